//! The one catalogue of UI strings, in English and Brazilian Portuguese.
//!
//! Each message is an enum variant, so a missing translation or a typo in a key is a
//! compile error rather than a blank label.

use serde::{Deserialize, Serialize};

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Lang {
    #[default]
    #[serde(rename = "en")]
    En,
    #[serde(rename = "pt-BR")]
    PtBr,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::PtBr => "pt-BR",
        }
    }

    /// Picks the language from a stored code or a browser language tag (`pt`, `pt-BR`, `en-US`).
    pub fn from_tag(tag: &str) -> Lang {
        if tag.to_ascii_lowercase().starts_with("pt") {
            Lang::PtBr
        } else {
            Lang::En
        }
    }
}

macro_rules! catalogue {
    ($($key:ident => $en:literal, $pt:literal;)*) => {
        /// Every UI string.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Msg { $($key),* }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$key),*];

            pub fn text(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Msg::$key, Lang::En) => $en, (Msg::$key, Lang::PtBr) => $pt,)*
                }
            }
        }
    };
}

catalogue! {
    AppName => "Prospecta", "Prospecta";
    NavClients => "Clients", "Clientes";
    NavConversations => "Conversations", "Conversas";
    NavBoards => "Boards", "CRM";
    NavTasks => "Tasks", "Tarefas";
    NavSettings => "Settings", "Configurações";
    LogIn => "Log in", "Entrar";
    LogOut => "Log out", "Sair";
    SignUp => "Create account", "Criar conta";
    HaveAccount => "Already have an account? Log in", "Já tem conta? Entre";
    NoAccount => "New here? Create an account", "Novo por aqui? Crie uma conta";
    Email => "E-mail", "E-mail";
    Password => "Password", "Senha";
    Name => "Name", "Nome";
    AccountName => "Company name", "Nome da empresa";
    Role => "Role", "Perfil";
    RoleAdmin => "Admin", "Administrador";
    RoleAgent => "Agent", "Usuário";
    Status => "Status", "Situação";
    Active => "Active", "Ativo";
    Disabled => "Disabled", "Desativado";
    Disable => "Disable", "Desativar";
    Enable => "Enable", "Ativar";
    Delete => "Delete", "Excluir";
    Save => "Save", "Salvar";
    Cancel => "Cancel", "Cancelar";
    Edit => "Edit", "Editar";
    Create => "Create", "Criar";
    Loading => "Loading…", "Carregando…";
    Users => "Users", "Usuários";
    Sites => "Websites", "Sites";
    NewSite => "New website", "Novo site";
    SiteUrl => "Address (URL)", "Endereço (URL)";
    AllowedOrigins => "Allowed origins", "Origens permitidas";
    SubmittedAgain => "Submitted a form again with", "Enviou o formulário de novo com";
    AllowedOriginsHint => "Web pages that may send leads with this site's key, separated by spaces, e.g. https://www.example.com. Empty: any page.", "Páginas que podem enviar leads com a chave deste site, separadas por espaços, ex.: https://www.exemplo.com.br. Vazio: qualquer página.";
    AnyOrigin => "any", "qualquer";
    PublicKey => "Public key", "Chave pública";
    RotateKey => "New key", "Gerar nova chave";
    ApiKeys => "API keys", "Chaves de API";
    NewApiKey => "New API key", "Nova chave de API";
    Scopes => "Scopes", "Permissões";
    Revoke => "Revoke", "Revogar";
    Revoked => "Revoked", "Revogada";
    Prefix => "Key", "Chave";
    LastUsed => "Last used", "Último uso";
    Never => "Never", "Nunca";
    ScopeLeadsIngest => "send leads", "enviar leads";
    ScopeContactsRead => "read clients, notes, custom fields; export", "ler clientes, notas, campos personalizados; exportar";
    ScopeContactsWrite => "create, edit, merge and import clients; add notes", "criar, editar, mesclar e importar clientes; adicionar notas";
    ScopeConversationsRead => "read conversations and messages", "ler conversas e mensagens";
    ScopeBoardsRead => "read boards, cards and deals", "ler quadros, cards e negócios";
    ScopeBoardsWrite => "change boards; create, move, win and lose cards", "alterar quadros; criar, mover, ganhar e perder cards";
    ScopeTasksRead => "read tasks", "ler tarefas";
    ScopeTasksWrite => "create, edit and delete tasks", "criar, editar e excluir tarefas";
    ScopeUsersRead => "read users", "ler usuários";
    ScopeWebhooksManage => "manage webhooks", "gerenciar webhooks";
    Webhooks => "Webhooks", "Webhooks";
    WebhooksIntro => "Prospecta POSTs each event you choose to your URL, signed with the webhook's secret (Standard Webhooks), and retries for about a day when it fails.", "O Prospecta envia (POST) cada evento escolhido para a sua URL, assinado com o segredo do webhook (Standard Webhooks), e tenta de novo por cerca de um dia quando falha.";
    NewWebhook => "New webhook", "Novo webhook";
    EndpointUrl => "Endpoint URL", "URL do endpoint";
    Events => "Events", "Eventos";
    AllEvents => "All events", "Todos os eventos";
    AllEventsHint => "None ticked: every event, including kinds added later.", "Nenhum marcado: todos os eventos, inclusive os que forem criados depois.";
    WebhookSecretShownOnce => "Copy this signing secret now. It will not be shown again:", "Copie este segredo de assinatura agora. Ele não será exibido novamente:";
    SendTest => "Send test", "Enviar teste";
    RotateSecret => "New secret", "Gerar novo segredo";
    ConfirmRotateSecret => "Make a new signing secret? The current one keeps signing for 24 hours.", "Gerar um novo segredo de assinatura? O atual continua assinando por 24 horas.";
    ConfirmDeleteWebhook => "Delete this webhook and its delivery log?", "Excluir este webhook e seu histórico de entregas?";
    TurnOn => "Turn on", "Ativar";
    TurnOff => "Turn off", "Desativar";
    Failing => "Failing", "Com falhas";
    Deliveries => "Deliveries", "Entregas";
    DeliveryPending => "Pending", "Pendente";
    DeliveryDelivered => "Delivered", "Entregue";
    DeliveryFailed => "Failed", "Falhou";
    Attempts => "Attempts", "Tentativas";
    Answer => "Answer", "Resposta";
    Event => "Event", "Evento";
    Redeliver => "Send again", "Reenviar";
    SecretShownOnce => "Copy this key now. It will not be shown again:", "Copie esta chave agora. Ela não será exibida novamente:";
    Language => "Language", "Idioma";
    AdminsOnly => "Only admins can change these settings.", "Somente administradores podem alterar estas configurações.";
    ComingSoon => "This area is being built and arrives in a coming release.", "Esta área está em construção e chega em uma próxima versão.";
    Welcome => "Welcome", "Bem-vindo";
    NothingYet => "Nothing here yet.", "Nada por aqui ainda.";
    ConfirmDelete => "Delete for good?", "Excluir definitivamente?";
    ErrorGeneric => "Something went wrong. Try again.", "Algo deu errado. Tente novamente.";
    ApiDocs => "API documentation", "Documentação da API";
    All => "All", "Todos";
    StatusToContact => "To contact", "A contatar";
    StatusInProgress => "In progress", "Em progresso";
    StatusWon => "Sale", "Com venda";
    StatusLost => "No sale", "Sem venda";
    Search => "Search name, e-mail, phone or notes", "Buscar nome, e-mail, telefone ou notas";
    Apply => "Apply", "Aplicar";
    Clear => "Clear", "Limpar";
    Site => "Website", "Site";
    AnySite => "All websites", "Todos os sites";
    Assignee => "Assigned to", "Atribuído a";
    Anyone => "Anyone", "Qualquer um";
    Unassigned => "Unassigned", "Sem atribuição";
    Tag => "Tag", "Etiqueta";
    Tags => "Tags", "Etiquetas";
    Source => "Source", "Origem";
    Medium => "Medium", "Meio";
    Campaign => "Campaign", "Campanha";
    Channel => "Channel", "Canal";
    AnyChannel => "Any channel", "Qualquer canal";
    Rating => "Rating", "Avaliação";
    MinRating => "Minimum rating", "Avaliação mínima";
    FromDate => "First contact from", "Primeiro contato de";
    ToDate => "until", "até";
    Phone => "Phone", "Telefone";
    FirstContact => "First contact", "Primeiro contato";
    LoadMore => "Load more", "Carregar mais";
    NewClient => "New client", "Novo cliente";
    NoClients => "No clients match these filters.", "Nenhum cliente com estes filtros.";
    Back => "Back to the list", "Voltar à lista";
    Previous => "Previous", "Anterior";
    Next => "Next", "Próximo";
    ContactHours => "Contact hours", "Horário de contato";
    Location => "Location", "Localização";
    City => "City", "Cidade";
    Region => "State", "Estado";
    Country => "Country", "País";
    GeneratedAt => "Generated at", "Gerado em";
    Referrer => "Referrer", "Referência";
    Ip => "IP", "IP";
    Notes => "Notes", "Anotações";
    AddNote => "Add note", "Adicionar nota";
    History => "Change log", "Registro de alterações";
    Conversation => "Conversation", "Conversa";
    NoConversation => "No conversation yet.", "Nenhuma conversa ainda.";
    Hide => "Hide", "Ocultar";
    Show => "Show", "Mostrar";
    Visitor => "Visitor", "Visitante";
    Bot => "Bot", "Bot";
    Agent => "Agent", "Atendente";
    System => "System", "Sistema";
    Merge => "Merge a duplicate", "Mesclar duplicado";
    MergeHint => "Paste the id of the duplicate contact; it is merged into this one.", "Cole o id do contato duplicado; ele será mesclado a este.";
    AutoAssignment => "Auto-assignment", "Atribuição automática";
    AutoAssignEnabled => "Deal new leads of this site in rotation to:", "Distribuir os novos leads deste site em rodízio para:";
    Notifications => "Notifications", "Notificações";
    MarkAllRead => "Mark all read", "Marcar todas como lidas";
    Blocked => "Blocked", "Bloqueado";
    ExportCsv => "Export CSV", "Exportar CSV";
    ImportCsv => "Import CSV", "Importar CSV";
    ImportClients => "Import clients from CSV", "Importar clientes de CSV";
    ImportHint => "Choose a CSV file with a header row. Clients are matched by e-mail or phone: known ones are updated, the others created.", "Escolha um arquivo CSV com cabeçalho. Os clientes são identificados por e-mail ou telefone: os conhecidos são atualizados, os demais criados.";
    ColumnMapping => "Columns", "Colunas";
    SkipInvalid => "Skip invalid rows and import the rest", "Ignorar linhas inválidas e importar o restante";
    Preview => "Preview", "Pré-visualizar";
    Import => "Import", "Importar";
    Rows => "Rows", "Linhas";
    New => "New", "Novos";
    Updated => "Updated", "Atualizados";
    Invalid => "With errors", "Com erros";
    Skipped => "Skipped", "Ignorados";
    CustomFields => "Custom fields", "Campos personalizados";
    NewCustomField => "New custom field", "Novo campo personalizado";
    EditCustomField => "Edit custom field", "Editar campo personalizado";
    KeyAndKindFixed => "The key and kind cannot change.", "A chave e o tipo não podem mudar.";
    Key => "Key", "Chave";
    Label => "Label", "Rótulo";
    Kind => "Type", "Tipo";
    Options => "Options (comma-separated)", "Opções (separadas por vírgula)";
    Sort => "Sort", "Ordenar";
    Newest => "Newest first", "Mais recentes";
    Oldest => "Oldest first", "Mais antigos";
    CheckInbox => "Check your inbox", "Confira sua caixa de entrada";
    SignupSent => "We sent a link to confirm this address. Open it within 24 hours to create your account:", "Enviamos um link para confirmar este endereço. Abra-o em até 24 horas para criar sua conta:";
    ConfirmingEmail => "Confirming your e-mail…", "Confirmando seu e-mail…";
    ForgotPassword => "Forgot your password?", "Esqueceu a senha?";
    ResetPassword => "Choose a new password", "Escolha uma nova senha";
    SendResetLink => "Send me a link", "Enviar link";
    ResetHelp => "Type the e-mail you log in with. We will send a link to choose a new password.", "Digite o e-mail com que você entra. Enviaremos um link para escolher uma nova senha.";
    ResetSent => "If this address belongs to a user, a link to choose a new password is on its way. It works for one hour:", "Se este endereço pertence a um usuário, um link para escolher uma nova senha está a caminho. Ele vale por uma hora:";
    NewPassword => "New password", "Nova senha";
    SavePassword => "Save password", "Salvar senha";
    PasswordChanged => "Your password was changed and your other sessions ended. Log in with the new password.", "Sua senha foi alterada e suas outras sessões foram encerradas. Entre com a nova senha.";
    BackToLogin => "Back to log in", "Voltar para o login";
    JoinTeam => "Join your team", "Junte-se à sua equipe";
    ChoosePassword => "Choose a password to finish joining. You will log in with your e-mail and this password.", "Escolha uma senha para concluir. Você vai entrar com seu e-mail e esta senha.";
    Join => "Join", "Entrar na equipe";
    Invitations => "Invitations", "Convites";
    InviteUser => "Invite a user", "Convidar usuário";
    InviteHelp => "They get an e-mail with a link to choose their password. The link works for 7 days.", "A pessoa recebe um e-mail com um link para escolher a senha. O link vale por 7 dias.";
    SendInvitation => "Send invitation", "Enviar convite";
    InvitationSent => "Invitation sent to", "Convite enviado para";
    NoInvitations => "No open invitations.", "Nenhum convite pendente.";
    Expires => "Expires", "Expira em";
    Expired => "Expired", "Expirado";
    SendAgain => "Send again", "Reenviar";
    CsvFile => "CSV file", "Arquivo CSV";
    SkipToContent => "Skip to content", "Pular para o conteúdo";
    Menu => "Menu", "Menu";
    Filters => "Filters", "Filtros";
    Actions => "Actions", "Ações";
    MainNavigation => "Main", "Principal";
    ShowConversation => "Conversation", "Conversa";
    ErrRequired => "is required", "é obrigatório";
    ErrContactPoint => "an e-mail or a phone is required", "informe um e-mail ou um telefone";
    ErrEmail => "must be a valid e-mail address", "deve ser um e-mail válido";
    ErrLengthBetween => "must be {min} to {max} characters", "deve ter de {min} a {max} caracteres";
    ErrLengthMin => "must be at least {min} characters", "deve ter pelo menos {min} caracteres";
    ErrLengthMax => "must be at most {max} characters", "deve ter no máximo {max} caracteres";
    ErrItemsMax => "can have at most {max} items", "pode ter no máximo {max} itens";
    ErrRange => "must be from {min} to {max}", "deve estar entre {min} e {max}";
    ErrConflict => "is already in use", "já está em uso";
    ErrInvalid => "is not valid", "não é válido";
    ErrPhone => "must be a phone number, with area code", "deve ser um telefone, com DDD";
    ErrControlCharacter => "must not contain control characters", "não pode conter caracteres de controle";
    ErrUnknownField => "is not a field of this form", "não é um campo deste formulário";
    ErrWrongType => "has the wrong type", "tem o tipo errado";
    ErrFuture => "cannot be in the future", "não pode estar no futuro";
    ErrSelf => "cannot be changed on your own user", "não pode ser alterado no seu próprio usuário";
    ErrUnknownOption => "is not one of the options", "não é uma das opções";
    ProblemValidation => "Some fields are not valid.", "Alguns campos não são válidos.";
    ProblemUnauthorized => "The e-mail or password is wrong, or your session has ended.", "O e-mail ou a senha estão errados, ou sua sessão terminou.";
    ProblemForbidden => "Not allowed: this needs an admin of your account (or the user is disabled).", "Não permitido: isto requer um administrador da sua conta (ou o usuário está desativado).";
    ProblemNotFound => "Not found: it may have been deleted.", "Não encontrado: pode ter sido excluído.";
    ProblemConflict => "This conflicts with what is already saved.", "Isto conflita com o que já está salvo.";
    ProblemRateLimited => "Too many attempts. Try again in {secs} seconds.", "Muitas tentativas. Tente de novo em {secs} segundos.";
    ProblemTooLarge => "The file or request is too large.", "O arquivo ou a requisição é grande demais.";
    ProblemUnavailable => "Something went wrong on our side. Try again in a moment.", "Algo deu errado do nosso lado. Tente de novo em instantes.";
    ProblemNetwork => "No connection to the server. Check your connection and try again.", "Sem conexão com o servidor. Verifique sua conexão e tente de novo.";
    ChannelChatbot => "Chatbot", "Chatbot";
    ChannelLiveChat => "Live chat", "Chat ao vivo";
    ChannelForm => "Form", "Formulário";
    ChannelIntegration => "Integration", "Integração";
    ChannelImport => "Import", "Importação";
    ChannelManual => "Manual", "Manual";
    ActivityCreated => "Created", "Criado";
    ActivityNote => "Note", "Anotação";
    ActivityMerge => "Merged", "Mesclado";
    ActivityCustomFields => "Custom fields", "Campos personalizados";
    PageUrl => "Page", "Página";
    Yes => "Yes", "Sim";
    No => "No", "Não";
    Saved => "Saved", "Salvo";
    NotifContactAssigned => "New lead assigned to you", "Novo lead atribuído a você";
    ActorAutoAssignment => "auto-assignment", "atribuição automática";
    KindText => "Text", "Texto";
    KindNumber => "Number", "Número";
    KindDate => "Date", "Data";
    KindSelect => "List of options", "Lista de opções";
    Of => "of", "de";
    KeyboardShortcuts => "Keyboard shortcuts", "Atalhos de teclado";
    NextClient => "Next client in the list", "Próximo cliente da lista";
    PreviousClient => "Previous client in the list", "Cliente anterior da lista";
    ShowShortcuts => "Show or hide these shortcuts", "Mostrar ou esconder estes atalhos";
    ListKeys => "In the client list: move between rows, open one", "Na lista de clientes: mover entre linhas, abrir uma";
    Close => "Close", "Fechar";
    DeskInbox => "Inbox", "Entrada";
    DeskMine => "My conversations", "Minhas conversas";
    DeskAll => "All", "Todos";
    DeskTabs => "Conversation lists", "Listas de conversas";
    DeskEmptyInbox => "Nobody is waiting.", "Ninguém aguardando.";
    DeskEmptyMine => "You have no open conversations.", "Você não tem conversas abertas.";
    DeskEmptyAll => "No closed conversations match.", "Nenhuma conversa encerrada encontrada.";
    DeskPick => "Choose a conversation on the left.", "Escolha uma conversa ao lado.";
    Accept => "Accept", "Aceitar";
    Ignore => "Ignore", "Ignorar";
    CloseChat => "Close chat", "Encerrar";
    JoinChat => "Join chat", "Entrar na conversa";
    Transfer => "Transfer", "Transferir";
    InviteColleague => "Invite colleague", "Convidar colega";
    BlockVisitor => "Block visitor", "Bloquear visitante";
    UnblockVisitor => "Unblock visitor", "Desbloquear visitante";
    ConfirmBlock => "Block this visitor? They will not be able to chat again until an admin unblocks them.", "Bloquear este visitante? Ele não poderá conversar até um administrador desbloquear.";
    Reply => "Reply", "Resposta";
    ReplyHint => "Enter sends, Shift+Enter adds a line, / inserts a canned response.", "Enter envia, Shift+Enter quebra a linha, / insere uma resposta pronta.";
    Send => "Send", "Enviar";
    WaitingSince => "Waiting", "Aguardando";
    Presence => "Chat status", "Status no chat";
    PresenceOnline => "Online", "Online";
    PresenceAway => "Away", "Ausente";
    PresenceOffline => "Offline", "Offline";
    OpenClient => "Open client screen", "Abrir ficha do cliente";
    AnonymousVisitor => "Visitor (no details yet)", "Visitante (sem dados ainda)";
    VisitorGivenTitle => "What the visitor told us", "O que o visitante informou";
    VisitorGivenOnly => "The client record is not shown: it belongs to another agent.", "A ficha do cliente não é exibida: ela pertence a outro usuário.";
    Operators => "Operators", "Atendentes";
    Operator => "Operator", "Atendente";
    AnyOperator => "Any operator", "Qualquer atendente";
    WaitTime => "Wait", "Espera";
    FirstResponse => "First response", "Primeira resposta";
    Duration => "Duration", "Duração";
    Messages => "Messages", "Mensagens";
    ClosedAt => "Closed", "Encerrada";
    Totals => "Totals", "Totais";
    Average => "average", "média";
    AddTag => "Add tag", "Adicionar tag";
    RemoveTag => "Remove tag", "Remover tag";
    SearchMessages => "Words in messages", "Palavras nas mensagens";
    ChatClosedNote => "This conversation is closed.", "Esta conversa foi encerrada.";
    ChatWaitingNote => "Waiting in the Inbox: accept it to reply.", "Aguardando na Entrada: aceite para responder.";
    ChatBotNote => "The bot is still asking its questions.", "O bot ainda está fazendo as perguntas.";
    NewChatArrived => "A new conversation is waiting in the Inbox", "Uma nova conversa aguarda na Entrada";
    TakenByColleague => "Another operator accepted this conversation first.", "Outro atendente aceitou esta conversa primeiro.";
    ChooseOperator => "Choose a colleague", "Escolha um colega";
    CannedResponses => "Canned responses", "Respostas prontas";
    NoCannedResponses => "No canned responses yet.", "Nenhuma resposta pronta ainda.";
    Shortcut => "Shortcut", "Atalho";
    Text => "Text", "Texto";
    Chat => "Chat", "Chat";
    BotEnabled => "Lead-capture bot on", "Bot de captura ativo";
    BotQuestions => "Bot questions, in order (name, email, phone or a custom field key; one per line)", "Perguntas do bot, em ordem (name, email, phone ou a chave de um campo personalizado; uma por linha)";
    IgnoreMinutes => "Ignore hides a chat for (minutes)", "Ignorar esconde a conversa por (minutos)";
    WidgetCode => "Chat widget: paste before </body>", "Widget de chat: cole antes de </body>";
    NotifConversationTransferred => "A conversation was transferred to you", "Uma conversa foi transferida para você";
    NotifConversationInvited => "You were invited into a conversation", "Você foi convidado(a) para uma conversa";
    Live => "Live", "Ao vivo";
    Reconnecting => "Reconnecting…", "Reconectando…";
    MinutesShort => "min", "min";
    VisitorTyping => "The visitor is typing…", "O visitante está digitando…";
    StartedFrom => "Started from", "Iniciada de";
    StartedUntil => "until", "até";
    ImportAdminsOnly => "Only admins can import clients. Ask an admin of your account.", "Somente administradores podem importar clientes. Peça a um administrador da sua conta.";
    Undo => "Undo", "Desfazer";
    Undone => "Change undone", "Alteração desfeita";
    ConfirmRevokeKey => "Revoke this API key? Every integration using it stops working at once.", "Revogar esta chave de API? Toda integração que a usa para de funcionar na hora.";
    ConfirmRotateKey => "Make a new public key for this website? Forms and chat widgets already installed with the old key stop sending leads until you update them.", "Gerar uma nova chave pública para este site? Formulários e widgets de chat já instalados com a chave antiga param de enviar leads até você atualizá-los.";
    ConfirmRevokeInvitation => "Revoke this invitation? Its link stops working.", "Revogar este convite? O link dele para de funcionar.";
    LinkNoLongerWorks => "This link no longer works: it was used, revoked or has expired. Ask for a new one.", "Este link não funciona mais: já foi usado, revogado ou expirou. Peça um novo.";
    ImportBlocked => "Nothing was imported: fix these rows or choose to skip them.", "Nada foi importado: corrija estas linhas ou escolha ignorá-las.";
    NewBoard => "New board", "Novo CRM";
    NoBoards => "No boards yet.", "Nenhum CRM ainda.";
    NoBoardsAgent => "No boards are shared with you yet.", "Nenhum CRM foi liberado para você ainda.";
    Template => "Template", "Modelo";
    TemplateSales => "Sales pipeline", "Funil de vendas";
    TemplatePortfolio => "Client portfolio", "Carteira de clientes";
    TemplateEmpty => "Empty board", "Quadro vazio";
    Colour => "Colour", "Cor";
    Stages => "Stages", "Etapas";
    Stage => "Stage", "Etapa";
    Board => "Board", "CRM";
    CardsWord => "cards", "cartões";
    AddCard => "Add card", "Adicionar cartão";
    CardTitle => "Card title", "Nome do cartão";
    Reload => "Reload", "Recarregar";
    WipLimit => "WIP limit", "Limite";
    OverLimit => "over the limit", "acima do limite";
    StaleBadge => "Stale", "Estagnado";
    LostBadge => "Lost", "Perdido";
    ArchivedBadge => "Archived", "Arquivado";
    ConvertedClient => "Converted to client", "Convertido para cliente";
    ConvertedService => "Converted to client service", "Convertido para serviço do cliente";
    Description => "Description", "Descrição";
    DealValue => "Deal value", "Valor";
    Currency => "Currency", "Moeda";
    Product => "Product", "Produto";
    BoardLabels => "Labels", "Etiquetas";
    Members => "Members", "Membros";
    Sellers => "Sellers", "Vendedores";
    Comments => "Comments", "Comentários";
    WriteComment => "Write a comment", "Escreva um comentário";
    AddComment => "Add comment", "Adicionar comentário";
    Archive => "Archive", "Arquivar";
    Unarchive => "Unarchive", "Desarquivar";
    MarkLost => "Mark lost", "Marcar como perdido";
    Reopen => "Reopen", "Reabrir";
    LostReason => "Reason", "Motivo";
    ConvertToClient => "Convert to client", "Converter para cliente";
    ConvertToService => "Convert to client service", "Converter para serviço do cliente";
    DeleteCard => "Delete card", "Excluir cartão";
    AlsoDeleteContact => "Also delete the linked contact", "Apagar também o prospecto vinculado";
    MoveTo => "Move to stage", "Mover para a etapa";
    MovedTo => "Moved to", "Movido para";
    CardChanged => "Someone changed this card meanwhile; this is their version. Make your change again.", "Alguém alterou este cartão enquanto isso; esta é a versão atual. Refaça sua alteração.";
    DateType => "Date type", "Tipo de data";
    CardCreatedDate => "Card created", "Cadastro do cartão";
    ContactCreatedDate => "Contact created", "Cadastro do prospecto";
    OrderManual => "Board order", "Ordem do quadro";
    OrderAsc => "Ascending", "Crescente";
    OrderDesc => "Descending", "Decrescente";
    PerStage => "Cards per stage", "Cartões por lista";
    StaleFilter => "Stale", "Estagnados";
    ArchivedFilter => "Archived", "Arquivados";
    LostFilter => "Lost", "Perdidos";
    SaveFilter => "Save filter", "Salvar filtros";
    SavedFilters => "Saved filters", "Filtros salvos";
    FilterName => "Filter name", "Nome do filtro";
    SearchCards => "Search title, description or contact", "Buscar nome, descrição ou prospecto";
    AddToBoard => "Add to a board", "Adicionar ao CRM";
    CardOnBoard => "Card created on the board.", "Cartão criado no CRM.";
    OpenCard => "Open card", "Abrir cartão";
    ContactHasCard => "This client already has a card on this board.", "Este cliente já tem um cartão neste CRM.";
    MoveKeysHint => "Alt + arrow keys move the focused card between stages and up or down.", "Alt + setas movem o cartão em foco entre etapas e para cima ou para baixo.";
    AddStage => "Add stage", "Adicionar etapa";
    AddLabel => "Add label", "Adicionar etiqueta";
    StaleDays => "Stale days", "Dias estagnados";
    Contact => "Contact", "Prospecto";
    NoContact => "No linked contact", "Sem prospecto vinculado";
    ContactIdHint => "Link a client from its screen (Add to a board).", "Vincule um cliente pela tela dele (Adicionar ao CRM).";
    HistCreated => "created the card", "criou o cartão";
    HistUpdated => "changed", "alterou";
    HistMoved => "moved the card", "moveu o cartão";
    HistArchived => "archived the card", "arquivou o cartão";
    HistUnarchived => "unarchived the card", "desarquivou o cartão";
    HistLost => "marked the card lost", "marcou o cartão como perdido";
    HistReopened => "reopened the card", "reabriu o cartão";
    HistConverted => "converted the card", "converteu o cartão";
    HistCommented => "commented", "comentou";
    HistDeleted => "deleted the card", "excluiu o cartão";
    BoardHistory => "Board history", "Históricos do CRM";
    AnyCard => "Any card", "Qualquer cartão";
    Older => "Older", "Anteriores";
    HasTasksFilter => "Open tasks", "Tarefas";
    HasOpenTasks => "Open tasks", "Tarefas em aberto";
    HasDeals => "Deals", "Negócios";
    TasksTitle => "My tasks", "Minhas tarefas";
    AllTasks => "All tasks", "Todas as tarefas";
    NewTask => "New task", "Nova tarefa";
    TaskTitle => "Task", "Tarefa";
    DueAt => "Due", "Prazo";
    Overdue => "Overdue", "Atrasadas";
    Today => "Today", "Hoje";
    Upcoming => "Upcoming", "Próximas";
    NoDueDate => "No due date", "Sem prazo";
    DoneRecently => "Done", "Concluídas";
    MarkDone => "Done", "Concluída";
    NoTasks => "No tasks here.", "Nenhuma tarefa aqui.";
    Tasks => "Tasks", "Tarefas";
    NotifTaskAssigned => "New task for you", "Nova tarefa para você";
    NotifTaskDue => "Task due", "Tarefa no prazo";
    AddTask => "Add task", "Adicionar tarefa";
    Attachments => "Attachments", "Anexos";
    RelatedCards => "Related cards", "Cartões relacionados";
    FindCard => "Find", "Buscar";
    LinkCard => "Link", "Vincular";
    Unlink => "Unlink", "Desvincular";
    HistRelated => "related the card to", "relacionou o cartão a";
    HistUnrelated => "unrelated the card from", "desfez a relação com";
    AttachFile => "Attach a file", "Anexar arquivo";
    HistAttached => "attached", "anexou";
    HistDetached => "removed the attachment", "removeu o anexo";
    KindMoney => "Money", "Valor monetário";
    KindUser => "User", "Usuário";
    KindContact => "Contact", "Prospecto";
    AddField => "Add field", "Adicionar campo";
    BaseCard => "Base card", "Cartão base";
    BaseCardHint => "Every new card of this board starts with these.", "Todo cartão novo deste CRM começa com isto.";
    BaseCardSaveHint => "Comments go on new cards once you save.", "Os comentários vão para os cartões novos depois de salvar.";
    HistBaseCardUpdated => "edited the base card", "editou o cartão base";
    HistBaseCardAttached => "attached to the base card", "anexou ao cartão base";
    HistBaseCardDetached => "removed from the base card", "removeu do cartão base";
    ChecklistLines => "Checklist (one item per line)", "Checklist (um item por linha)";
    Checklist => "Checklist", "Checklist";
    AddItem => "Add item", "Adicionar item";
    NewItem => "New item", "Novo item";
    HistChecked => "ticked", "marcou";
    HistUnchecked => "unticked", "desmarcou";
    SearchContacts => "Search contacts", "Buscar prospectos";
    Amount => "Amount", "Valor";
    NavReports => "Reports", "Relatórios";
    ReportFrom => "From", "De";
    ReportTo => "To", "Até";
    GroupBy => "Group by", "Agrupar por";
    IntervalDay => "Day", "Dia";
    IntervalWeek => "Week", "Semana";
    TileNewLeads => "New leads", "Novos prospectos";
    TileSales => "Sales", "Vendas";
    TileNoSales => "No sales", "Sem venda";
    TileFirstAction => "First action, median", "Primeiro atendimento, mediana";
    VsPrevious => "vs. previous period", "vs. período anterior";
    NoPrevious => "nothing in the previous period", "nada no período anterior";
    ChartLeadsOverTime => "New leads over time", "Novos prospectos no período";
    ChartBySource => "Leads by source", "Prospectos por origem";
    ChartByMedium => "Leads by medium", "Prospectos por mídia";
    ChartByChannel => "Leads by channel", "Prospectos por canal";
    ChartBySite => "Leads by website", "Prospectos por site";
    ChartFunnel => "Where this period's leads stand", "Situação dos prospectos do período";
    ChartSalesByMonth => "Sales and no-sales per month", "Vendas e sem venda por mês";
    ChartSalesByAgent => "Sales by user", "Vendas por usuário";
    TableConversionBySource => "Conversion by source", "Conversão por origem";
    TableConversionByAgent => "Conversion by user", "Conversão por usuário";
    AxisDay => "Day", "Dia";
    AxisWeek => "Week starting", "Semana iniciada em";
    AxisMonth => "Month", "Mês";
    AxisLeads => "Leads", "Prospectos";
    AxisClients => "Clients", "Clientes";
    AxisSource => "Source", "Origem";
    AxisMedium => "Medium", "Mídia";
    AxisUser => "User", "Usuário";
    ThisPeriod => "This period", "Este período";
    PreviousPeriod => "Previous period", "Período anterior";
    ShowTable => "Show data table", "Mostrar tabela";
    HideTable => "Hide data table", "Ocultar tabela";
    DownloadCsv => "Download CSV", "Baixar CSV";
    NoneValue => "(none)", "(nenhum)";
    ConversionRate => "Conversion", "Conversão";
    NoReportData => "Nothing in this period.", "Nada neste período.";
    FirstActionMeasured => "leads with a first action", "prospectos com primeiro atendimento";
    ReportDeskTitle => "Live chat", "Atendimento";
    TileChats => "Chats", "Conversas";
    TileMissed => "Missed chats", "Conversas perdidas";
    TileWait => "Wait to be accepted, median", "Espera até o aceite, mediana";
    TileFirstResponse => "First response, median", "Primeira resposta, mediana";
    ChartChatsHeatmap => "Chats by hour and weekday", "Conversas por hora e dia da semana";
    AxisWeekday => "Weekday", "Dia da semana";
    AxisHour => "Hour", "Hora";
    TableByOperator => "Chats by operator", "Conversas por atendente";
    Accepted => "Accepted", "Aceitas";
    ClosedCount => "Closed", "Encerradas";
    P90 => "90% within", "90% em até";
    Monday => "Monday", "Segunda";
    Tuesday => "Tuesday", "Terça";
    Wednesday => "Wednesday", "Quarta";
    Thursday => "Thursday", "Quinta";
    Friday => "Friday", "Sexta";
    Saturday => "Saturday", "Sábado";
    Sunday => "Sunday", "Domingo";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_both_languages() {
        for msg in Msg::ALL {
            assert!(!msg.text(Lang::En).is_empty(), "{msg:?} en");
            assert!(!msg.text(Lang::PtBr).is_empty(), "{msg:?} pt-BR");
        }
    }

    #[test]
    fn browser_tags_pick_a_language() {
        assert_eq!(Lang::from_tag("pt-BR"), Lang::PtBr);
        assert_eq!(Lang::from_tag("pt"), Lang::PtBr);
        assert_eq!(Lang::from_tag("en-US"), Lang::En);
        assert_eq!(Lang::from_tag("de"), Lang::En);
    }
}
