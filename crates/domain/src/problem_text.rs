//! The server's problem texts in the caller's language. Every message the API writes is
//! English in the code; the response is translated on its way out (`localize`), so a client
//! shows `detail` and each field's `message` as they come, and the SPA carries no catalogue of
//! the server's words. Templates match a whole message, `{}` standing for any text (a number,
//! a name, serde's own words), which the translation writes back in the same order.
//!
//! `type`, `code`, `field` and `params` stay untranslated: they are for programs.

use crate::i18n::Lang;
use crate::problem::{FieldError, Problem};

/// Rewrites a problem's title, detail and field messages in `lang`.
pub fn localize(problem: &mut Problem, lang: Lang) {
    if lang == Lang::En {
        return;
    }
    problem.title = translate(&problem.title, lang).unwrap_or_else(|| problem.title.clone());
    if let Some(detail) = &problem.detail {
        problem.detail = Some(translate(detail, lang).unwrap_or_else(|| detail.clone()));
    }
    for error in &mut problem.errors {
        error.message = field_message(error, lang);
    }
}

/// One message (a field's or a whole problem's) in `lang`; the English text when it has none.
pub fn message_in(english: &str, lang: Lang) -> String {
    translate(english, lang).unwrap_or_else(|| english.to_string())
}

/// A field's message: its own text when the catalogue knows it, else words for its `code`
/// (messages of libraries, such as serde's, vary too much to list), else the English.
fn field_message(error: &FieldError, lang: Lang) -> String {
    translate(&error.message, lang)
        .or_else(|| by_code(&error.code).map(str::to_string))
        .unwrap_or_else(|| error.message.clone())
}

/// The catalogue's text for `english`, filled with the parts `{}` matched.
pub fn translate(english: &str, lang: Lang) -> Option<String> {
    if lang == Lang::En {
        return Some(english.to_string());
    }
    PT.iter().find_map(|(template, pt)| Some(fill(pt, &matches(template, english)?)))
}

fn by_code(code: &str) -> Option<&'static str> {
    Some(match code {
        "required" => "é obrigatório",
        "email" => "deve ser um e-mail válido",
        "length" => "tem um tamanho fora do permitido",
        "range" => "está fora do intervalo permitido",
        "conflict" => "já está em uso",
        "invalid" | "mismatch" => "não é válido",
        "phone" => "deve ser um telefone válido, com DDD",
        "unknown_field" => "não é um campo aceito aqui",
        "invalid_type" | "type" => "tem o tipo errado",
        "unknown" | "option" => "não é uma das opções",
        _ => return None,
    })
}

/// The parts of `text` that the `{}` of `template` stand for, or `None` when it does not match.
fn matches<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let literals: Vec<&str> = template.split("{}").collect();
    let (first, after_holes) = literals.split_first()?;
    let mut rest = text.strip_prefix(first)?;
    if after_holes.is_empty() {
        return rest.is_empty().then(Vec::new);
    }
    let mut parts = Vec::new();
    for (i, literal) in after_holes.iter().enumerate() {
        // The last literal anchors at the end of the text; the others at their first occurrence.
        let at = if i + 1 == after_holes.len() {
            rest.strip_suffix(literal)?.len()
        } else if literal.is_empty() {
            return None;
        } else {
            rest.find(literal)?
        };
        // A hole stands for some text, never for none.
        if at == 0 {
            return None;
        }
        parts.push(&rest[..at]);
        rest = &rest[at + literal.len()..];
    }
    Some(parts)
}

fn fill(template: &str, parts: &[&str]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut pieces = template.split("{}");
    out.push_str(pieces.next().unwrap_or_default());
    for (i, piece) in pieces.enumerate() {
        out.push_str(parts.get(i).copied().unwrap_or_default());
        out.push_str(piece);
    }
    out
}

/// English template → Brazilian Portuguese. The first that matches wins, so a specific
/// template goes before a general one it overlaps.
const PT: &[(&str, &str)] = &[
    // Problem titles.
    ("Malformed request", "Requisição malformada"),
    ("Invalid request", "Requisição inválida"),
    ("Authentication required", "Autenticação necessária"),
    ("Not allowed", "Não permitido"),
    ("Not found", "Não encontrado"),
    ("Method not allowed", "Método não permitido"),
    ("Conflict", "Conflito"),
    ("Request body too large", "Requisição grande demais"),
    ("Unsupported media type", "Tipo de conteúdo não suportado"),
    ("Too many requests", "Muitas requisições"),
    ("Service unavailable", "Serviço indisponível"),
    ("Internal server error", "Erro interno do servidor"),
    // Problem details.
    ("One or more fields are invalid.", "Um ou mais campos não são válidos."),
    ("No such resource in this account.", "Não encontrado nesta conta: pode ter sido excluído."),
    ("This path supports {}.", "Este caminho aceita {}."),
    ("The request body is larger than {} bytes.", "O arquivo ou a requisição passa de {} bytes."),
    ("Send the body as application/json.", "Envie o corpo como application/json."),
    ("Try again in {} seconds.", "Muitas tentativas. Tente de novo em {} segundos."),
    ("A dependency is unavailable; try again shortly.", "Um serviço está indisponível; tente de novo em instantes."),
    (
        "Something went wrong on our side. Quote the request id to support.",
        "Algo deu errado do nosso lado. Informe o id da requisição ao suporte.",
    ),
    ("A JSON body is required.", "O corpo JSON é obrigatório."),
    ("A custom field with this key exists.", "Já existe um campo personalizado com esta chave."),
    (
        "A request with this Idempotency-Key is still being processed.",
        "Uma requisição com esta Idempotency-Key ainda está em processamento.",
    ),
    ("Already exists ({}).", "Já existe ({})."),
    (
        "An account can have at most {} webhooks; delete one first.",
        "Uma conta pode ter no máximo {} webhooks; exclua um antes.",
    ),
    ("Another canned response has this shortcut.", "Outra resposta pronta já usa este atalho."),
    ("Another contact already has this e-mail.", "Outro cliente já tem este e-mail."),
    ("Another contact already has this phone.", "Outro cliente já tem este telefone."),
    ("Body is not valid JSON: {}", "O corpo não é um JSON válido: {}"),
    ("Invalid query parameter {}: {}", "Parâmetro de consulta inválido {}: {}"),
    ("Invalid query string: {}", "Consulta inválida: {}"),
    ("No refresh token was sent; log in again.", "Nenhum token de renovação foi enviado; entre de novo."),
    ("Only admins can do this.", "Só administradores podem fazer isto."),
    ("Only admins delete clients.", "Só administradores excluem clientes."),
    ("Only its operators can {}.", "Só os operadores da conversa podem {}."),
    (
        "Send an API key as `X-Api-Key` (or `Authorization: Bearer psk_…`), or a site key as `X-Site-Key`.",
        "Envie uma chave de API em `X-Api-Key` (ou `Authorization: Bearer psk_…`) ou uma chave de site em `X-Site-Key`.",
    ),
    (
        "Send an API key as `X-Api-Key` or `Authorization: Bearer psk_…`.",
        "Envie uma chave de API em `X-Api-Key` ou `Authorization: Bearer psk_…`.",
    ),
    ("Send an access token as `Authorization: Bearer …`.", "Envie um token de acesso em `Authorization: Bearer …`."),
    ("Send the site's public key as `X-Site-Key`.", "Envie a chave pública do site em `X-Site-Key`."),
    ("Send the visitor token as `X-Visitor-Token`.", "Envie o token do visitante em `X-Visitor-Token`."),
    ("The API key is not valid or was revoked.", "A chave de API não é válida ou foi revogada."),
    ("The access token has expired; refresh it.", "O token de acesso expirou; renove-o."),
    ("The access token is not valid.", "O token de acesso não é válido."),
    ("The e-mail or password is wrong.", "O e-mail ou a senha estão errados."),
    ("The refresh token is not valid; log in again.", "O token de renovação não é válido; entre de novo."),
    (
        "The ticket is not valid or has expired; ask for a new one.",
        "O tíquete não é válido ou expirou; peça um novo.",
    ),
    ("The webhook is turned off; turn it on first.", "O webhook está desligado; ligue-o antes."),
    ("This API key lacks the `{}` scope.", "Esta chave de API não tem o escopo `{}`."),
    ("This address is already a user of your account.", "Este endereço já é um usuário da sua conta."),
    ("This board has a field with this key.", "Este quadro já tem um campo com esta chave."),
    ("This chat has ended; start a new one.", "Esta conversa terminou; comece uma nova."),
    ("This chat is not available.", "Esta conversa não está disponível."),
    ("This e-mail is already in use.", "Este e-mail já está em uso."),
    ("This session has ended; log in again.", "Esta sessão terminou; entre de novo."),
    ("This ticket was used already; ask for a new one.", "Este tíquete já foi usado; peça um novo."),
    ("This user is disabled.", "Este usuário está desativado."),
    (
        "This user is disabled. Ask an admin of your account.",
        "Este usuário está desativado. Fale com um administrador da sua conta.",
    ),
    ("Unknown site key.", "Chave de site desconhecida."),
    ("Unknown visitor token; start a new chat.", "Token de visitante desconhecido; comece uma nova conversa."),
    ("Unknown visitor.", "Visitante desconhecido."),
    ("You already have a filter with this name.", "Você já tem um filtro com este nome."),
    ("You cannot delete yourself.", "Você não pode excluir a si mesmo."),
    (
        "You cannot demote or disable yourself; ask another admin.",
        "Você não pode rebaixar nem desativar a si mesmo; peça a outro administrador.",
    ),
    (
        "You have {} open chats, your limit; close one before accepting another.",
        "Você tem {} conversas abertas, o seu limite; encerre uma antes de aceitar outra.",
    ),
    ("You may not delete this card's contact.", "Você não pode excluir o cliente deste cartão."),
    // A conversation's state refusing an action (`desk_rules::refusal`, 409).
    ("Accept this conversation before replying.", "Aceite esta conversa antes de responder."),
    (
        "Only a conversation waiting in the Inbox can be ignored.",
        "Só uma conversa esperando na Entrada pode ser ignorada.",
    ),
    ("Only an active conversation can be transferred.", "Só uma conversa em andamento pode ser transferida."),
    ("Only an active conversation can take in colleagues.", "Só uma conversa em andamento pode receber colegas."),
    ("Only an active conversation shows typing.", "Só uma conversa em andamento mostra quem digita."),
    ("This conversation is already closed.", "Esta conversa já está encerrada."),
    ("This conversation is already theirs.", "Esta conversa já é dessa pessoa."),
    (
        "Only its owner or an admin can transfer this conversation.",
        "Só o dono da conversa ou um administrador pode transferi-la.",
    ),
    ("This conversation is closed.", "Esta conversa está encerrada."),
    ("This conversation is closed; join it to write.", "Esta conversa está encerrada; entre nela para escrever."),
    (
        "This conversation is no longer waiting: another operator accepted it first.",
        "Esta conversa não está mais esperando: outro operador a aceitou antes.",
    ),
    (
        "This conversation is still with the bot: it can be accepted once it waits in the Inbox.",
        "Esta conversa ainda está com o robô: poderá ser aceita quando esperar na Entrada.",
    ),
    ("This conversation waits in the Inbox: accept it instead.", "Esta conversa espera na Entrada: aceite-a."),
    // Field messages.
    ("a conversation has at most 30 tags", "uma conversa tem no máximo 30 etiquetas"),
    ("a select field needs options", "um campo de seleção precisa de opções"),
    ("a site key can only send visitor messages", "uma chave de site só envia mensagens do visitante"),
    (
        "a site key cannot date messages; the server's time is used",
        "uma chave de site não data mensagens; vale a hora do servidor",
    ),
    ("an e-mail or a phone is required", "informe um e-mail ou um telefone"),
    ("at most 20 origins", "no máximo 20 origens"),
    ("at most 30 tags of 1 to 50 characters", "no máximo 30 etiquetas de 1 a 50 caracteres"),
    ("at most 30 tags", "no máximo 30 etiquetas"),
    ("at most 50 custom fields", "no máximo 50 campos personalizados"),
    ("at most 50 options", "no máximo 50 opções"),
    ("at most 500 messages", "no máximo 500 mensagens"),
    ("belongs to another order", "pertence a outra ordenação"),
    ("cannot be changed on your own user", "não pode ser alterado no seu próprio usuário"),
    ("cannot be in the future", "não pode estar no futuro"),
    ("cannot read the header row: {}", "não foi possível ler a linha de cabeçalho: {}"),
    ("choose at least one scope", "escolha pelo menos um escopo"),
    ("could not read body: {}", "não foi possível ler o corpo: {}"),
    ("could not read the upload: {}", "não foi possível ler o envio: {}"),
    ("currency must be an ISO 4217 code like BRL", "a moeda deve ser um código ISO 4217, como BRL"),
    ("differs from the site of the site key", "difere do site da chave de site"),
    ("each item must be 1 to 200 characters", "cada item deve ter de 1 a 200 caracteres"),
    (
        "each must be an origin such as https://www.example.com (lower case, no path)",
        "cada uma deve ser uma origem como https://www.exemplo.com.br (minúsculas, sem caminho)",
    ),
    ("each must be one of: {}", "cada um deve ser uma destas opções: {}"),
    ("each tag must be 1 to 50 characters", "cada etiqueta deve ter de 1 a 50 caracteres"),
    ("has {} rows; one import takes at most {}", "tem {} linhas; uma importação aceita no máximo {}"),
    ("is asked already", "já é perguntado"),
    ("is empty", "está vazio"),
    ("is invalid ({})", "não é válido ({})"),
    ("is not a board view filter", "não é um filtro de quadro"),
    ("is not a board you can see", "não é um quadro que você pode ver"),
    ("is not a card you can see", "não é um cartão que você pode ver"),
    ("is not a client list filter", "não é um filtro da lista de clientes"),
    ("is not a contact field", "não é um campo de cliente"),
    ("is not a contact you can see", "não é um cliente que você pode ver"),
    ("is not a conversation of this client", "não é uma conversa deste cliente"),
    ("is not a conversation you can see", "não é uma conversa que você pode ver"),
    ("is not a cursor from a previous page", "não é um cursor de uma página anterior"),
    ("is not a cursor from this board view", "não é um cursor desta visão do quadro"),
    ("is not a custom field of this account", "não é um campo personalizado desta conta"),
    ("is not a custom field of this board", "não é um campo personalizado deste quadro"),
    ("is not a site of this account", "não é um site desta conta"),
    ("is not a stage of the card's board", "não é uma etapa do quadro do cartão"),
    ("is not a stage of this board", "não é uma etapa deste quadro"),
    ("is not a user of this account", "não é um usuário desta conta"),
    ("is not a valid phone number", "deve ser um telefone válido, com DDD"),
    ("is not an active user of this account", "não é um usuário ativo desta conta"),
    ("is not another card of the target stage", "não é outro cartão da etapa de destino"),
    ("is not another stage of this board", "não é outra etapa deste quadro"),
    (
        "is not the e-mail of an active user of this account",
        "não é o e-mail de um usuário ativo desta conta",
    ),
    ("is required when an API key creates a task", "é obrigatório quando uma chave de API cria a tarefa"),
    ("is required", "é obrigatório"),
    ("link a task to one contact, card or conversation", "ligue a tarefa a um só cliente, cartão ou conversa"),
    ("map an e-mail or a phone column", "associe uma coluna de e-mail ou de telefone"),
    (
        "may contain only digits, spaces, dashes, dots, parentheses and a leading +",
        "só pode ter dígitos, espaços, hífens, pontos, parênteses e um + no início",
    ),
    ("must all be boards of this account", "devem ser todos quadros desta conta"),
    ("must all be labels of this board", "devem ser todas etiquetas deste quadro"),
    ("must all be users of this account", "devem ser todos usuários desta conta"),
    ("must be {} to {} minutes", "deve estar entre {} e {} minutos"),
    ("must be {} to {} seconds", "deve estar entre {} e {} segundos"),
    ("must be {} or more", "deve ser {} ou mais"),
    ("must be {} to {} visible ASCII characters", "deve ter de {} a {} caracteres ASCII visíveis"),
    ("must be {} to {} characters without spaces or /", "deve ter de {} a {} caracteres, sem espaços nem /"),
    ("must be {} to {} characters", "deve ter de {} a {} caracteres"),
    ("must be 10, 20, 50, 100 or 500", "deve ser 10, 20, 50, 100 ou 500"),
    ("must be a JSON object", "deve ser um objeto JSON"),
    (
        "must be a JSON object of strings, like {\"email\":\"E-mail\"}",
        "deve ser um objeto JSON de textos, como {\"email\":\"E-mail\"}",
    ),
    ("must be a colour like #2358d8", "deve ser uma cor como #2358d8"),
    ("must be a contact id", "deve ser o id de um cliente"),
    ("must be a date as YYYY-MM-DD", "deve ser uma data como AAAA-MM-DD"),
    (
        "must be a date such as 2026-01-31 or 31/01/2026",
        "deve ser uma data como 31/01/2026 ou 2026-01-31",
    ),
    ("must be a number", "deve ser um número"),
    ("must be a public address: {}", "deve ser um endereço público: {}"),
    ("must be a user id", "deve ser o id de um usuário"),
    ("must be a valid e-mail address", "deve ser um e-mail válido"),
    ("must be a whole number from {} to {}", "deve ser um número inteiro de {} a {}"),
    ("must be an http(s) URL", "deve ser uma URL http(s)"),
    ("must be an object", "deve ser um objeto"),
    ("must be another card", "deve ser outro cartão"),
    ("must be another contact", "deve ser outro cliente"),
    ("must be at least {} characters", "deve ter pelo menos {} caracteres"),
    ("must be at least {}", "deve ser pelo menos {}"),
    ("must be at most {} characters", "deve ter no máximo {} caracteres"),
    ("must be comma-separated ids", "deve ser uma lista de ids separados por vírgula"),
    ("must be en or pt-BR", "deve ser en ou pt-BR"),
    (
        "must be name, email, phone or a custom field's key",
        "deve ser name, email, phone ou a chave de um campo personalizado",
    ),
    ("must be one of: {}", "deve ser uma destas opções: {}"),
    ("must be text of at most 1000 characters", "deve ser um texto de no máximo 1000 caracteres"),
    ("must be to_contact, in_progress, won or lost", "deve ser to_contact, in_progress, won ou lost"),
    ("must be {} to {}", "deve estar entre {} e {}"),
    ("must list 1 to 500 clients", "deve listar de 1 a 500 clientes"),
    ("must name the file", "deve dar o nome do arquivo"),
    ("must not be empty", "não pode ficar vazio"),
    ("must not contain NUL characters", "não pode conter caracteres NUL"),
    ("must not contain control characters", "não pode conter caracteres de controle"),
    ("must not repeat a kind", "não pode repetir um tipo"),
    ("name a tag to add or to remove", "informe uma etiqueta para incluir ou remover"),
    ("only a select field has options", "só um campo de seleção tem opções"),
    ("open chats are at the limit", "as conversas abertas estão no limite"),
    (
        "send the mapping as a JSON object in the query string",
        "envie o mapeamento como um objeto JSON na consulta",
    ),
    ("the CSV has no column \"{}\"", "o CSV não tem a coluna \"{}\""),
    ("the body must be the file, not empty", "o corpo deve ser o arquivo, não vazio"),
    (
        "use lower-case letters, digits and _ (up to 40), starting with a letter",
        "use letras minúsculas, dígitos e _ (até 40), começando por uma letra",
    ),
    ("was already used for a different lead", "já foi usada para outro lead"),
    // serde's words for a body that does not fit its type (`platform::http::extract`).
    ("unknown variant {}, expected one of {}", "opção desconhecida {}; as opções são {}"),
    ("unknown variant {}, expected {}", "opção desconhecida {}; a opção é {}"),
    ("unknown variant {}, there are no variants", "opção desconhecida {}"),
    ("unknown field {}, expected one of {}", "campo desconhecido {}; os campos aceitos são {}"),
    ("unknown field {}, expected {}", "campo desconhecido {}; o campo aceito é {}"),
    ("unknown field {}, there are no fields", "campo desconhecido {}; não há campos aqui"),
    ("missing field {}", "falta o campo {}"),
    ("invalid type: {}, expected {}", "tipo inválido: {}; esperado {}"),
    ("invalid value: {}, expected {}", "valor inválido: {}; esperado {}"),
    ("invalid length {}, expected {}", "tamanho inválido {}; esperado {}"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(title: &str, detail: &str, errors: Vec<FieldError>) -> Problem {
        Problem {
            kind: "https://prospecta.dev/problems/validation".into(),
            title: title.into(),
            status: 422,
            detail: Some(detail.into()),
            errors,
            request_id: None,
        }
    }

    #[test]
    fn templates_carry_what_they_matched_into_the_translation() {
        assert_eq!(message_in("must be 1 to 120 characters", Lang::PtBr), "deve ter de 1 a 120 caracteres");
        assert_eq!(
            message_in("Try again in 12 seconds.", Lang::PtBr),
            "Muitas tentativas. Tente de novo em 12 segundos."
        );
        assert_eq!(
            message_in("unknown variant `nome`, expected one of `name`, `email`", Lang::PtBr),
            "opção desconhecida `nome`; as opções são `name`, `email`"
        );
        assert_eq!(message_in("the CSV has no column \"Fone\"", Lang::PtBr), "o CSV não tem a coluna \"Fone\"");
        // A specific entry wins over the general one it overlaps.
        assert_eq!(message_in("is not a site of this account", Lang::PtBr), "não é um site desta conta");
        assert_eq!(message_in("is not a user of this account", Lang::En), "is not a user of this account");
    }

    #[test]
    fn a_template_matches_the_whole_message_only() {
        assert_eq!(matches("must be {} to {}", "must be 1 to 5"), Some(vec!["1", "5"]));
        assert_eq!(matches("is required", "is required!"), None);
        assert_eq!(matches("is required", "is required"), Some(vec![]));
        assert_eq!(matches("row {} of {}", "row  of 3"), None);
        assert_eq!(matches("Already exists ({}).", "Already exists (users_email_key)."), Some(vec!["users_email_key"]));
    }

    #[test]
    fn a_problem_is_translated_whole_and_keeps_its_codes() {
        let mut p = problem(
            "Invalid request",
            "One or more fields are invalid.",
            vec![
                FieldError::new("url", "url", "must be an http(s) URL"),
                FieldError::new("kind", "invalid_type", "expected something serde said"),
                FieldError::new("file", "csv", "row 3 is odd"),
            ],
        );
        localize(&mut p, Lang::PtBr);
        assert_eq!(p.title, "Requisição inválida");
        assert_eq!(p.detail.as_deref(), Some("Um ou mais campos não são válidos."));
        let messages: Vec<_> = p.errors.iter().map(|e| (e.code.as_str(), e.message.as_str())).collect();
        assert_eq!(
            messages,
            [("url", "deve ser uma URL http(s)"), ("invalid_type", "tem o tipo errado"), ("csv", "row 3 is odd")]
        );
    }

    #[test]
    fn english_is_left_as_written() {
        let mut p = problem("Invalid request", "One or more fields are invalid.", vec![]);
        let before = p.clone();
        localize(&mut p, Lang::En);
        assert_eq!(p, before);
    }

    #[test]
    fn every_template_is_translated_with_as_many_holes() {
        for (en, pt) in PT {
            assert_ne!(en, pt);
            assert_eq!(en.matches("{}").count(), pt.matches("{}").count(), "{en}");
        }
    }
}
