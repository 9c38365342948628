-- When the bot's last full member sync saw each member; members a finished sync did not see
-- have left the guild.
ALTER TABLE guild_members ADD COLUMN synced_at BIGINT;
