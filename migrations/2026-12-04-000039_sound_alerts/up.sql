-- Whether the app plays a sound for the user's new chats, transfers, invitations and replies
-- (issue 26). On unless they turn it off.
ALTER TABLE users ADD COLUMN sound_alerts boolean NOT NULL DEFAULT true;
