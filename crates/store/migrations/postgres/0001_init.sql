-- guildhall schema. Times are milliseconds since the Unix epoch (BIGINT); Discord ids are
-- BIGINT; lists of Discord ids and Discord-shaped objects are JSON text.

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE guilds (
    id BIGSERIAL PRIMARY KEY,
    discord_id BIGINT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    icon TEXT,
    owner_discord_id BIGINT,
    joined_at BIGINT,
    left_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE discord_users (
    id BIGSERIAL PRIMARY KEY,
    discord_id BIGINT NOT NULL UNIQUE,
    username TEXT NOT NULL,
    global_name TEXT,
    avatar TEXT,
    bot BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX discord_users_username ON discord_users (lower(username));

CREATE TABLE guild_members (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    nickname TEXT,
    roles TEXT NOT NULL DEFAULT '[]',
    joined_at BIGINT,
    left_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (guild_id, user_id)
);
CREATE INDEX guild_members_user ON guild_members (user_id);

-- Current presence of every member the bot sees.
CREATE TABLE presences (
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    custom_status TEXT,
    activities TEXT NOT NULL DEFAULT '[]',
    client_status TEXT NOT NULL DEFAULT '{}',
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (guild_id, user_id)
);

-- Status transitions of tracked staff: each row is a status held from started_at until the
-- next row's started_at. Last seen and online time per day are computed from it.
CREATE TABLE presence_history (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    started_at BIGINT NOT NULL
);
CREATE INDEX presence_history_member ON presence_history (guild_id, user_id, started_at);

-- Discord role -> staff rank.
CREATE TABLE ranks (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL,
    name TEXT NOT NULL,
    priority INTEGER NOT NULL,
    colour TEXT,
    UNIQUE (guild_id, role_id)
);

CREATE TABLE staff_members (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    rank TEXT NOT NULL,
    rank_priority INTEGER NOT NULL DEFAULT 0,
    colour TEXT,
    timezone TEXT,
    active_hours TEXT,
    source TEXT NOT NULL DEFAULT 'manual',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (guild_id, user_id)
);

CREATE TABLE notes (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    mod_id BIGINT NOT NULL REFERENCES discord_users (id),
    content TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX notes_member ON notes (guild_id, user_id);

CREATE TABLE warnings (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    mod_id BIGINT NOT NULL REFERENCES discord_users (id),
    reason TEXT NOT NULL,
    expires_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX warnings_member ON warnings (guild_id, user_id);

-- The last case number given out in each guild; bumped in the same transaction that inserts
-- the case, so numbers have no duplicates and no gaps.
CREATE TABLE case_counters (
    guild_id BIGINT PRIMARY KEY REFERENCES guilds (id) ON DELETE CASCADE,
    last_number BIGINT NOT NULL
);

CREATE TABLE moderation_cases (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    case_number BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    mod_id BIGINT NOT NULL REFERENCES discord_users (id),
    action TEXT NOT NULL,
    reason TEXT NOT NULL,
    duration_seconds BIGINT,
    created_at BIGINT NOT NULL,
    resolved_at BIGINT,
    resolution_note TEXT,
    UNIQUE (guild_id, case_number)
);
CREATE INDEX moderation_cases_user ON moderation_cases (user_id);

CREATE TABLE persistent_roles (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL,
    created_by BIGINT REFERENCES discord_users (id),
    created_at BIGINT NOT NULL,
    UNIQUE (guild_id, user_id, role_id)
);

CREATE TABLE temporary_roles (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    role_id BIGINT NOT NULL,
    granted_by BIGINT REFERENCES discord_users (id),
    reason TEXT,
    granted_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX temporary_roles_member ON temporary_roles (guild_id, user_id);

CREATE TABLE channel_locks (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    channel_id BIGINT NOT NULL,
    locked_by BIGINT REFERENCES discord_users (id),
    reason TEXT,
    saved_overwrites TEXT NOT NULL DEFAULT '[]',
    locked_at BIGINT NOT NULL,
    unlock_at BIGINT,
    unlocked_at BIGINT
);
-- At most one lock in force per channel.
CREATE UNIQUE INDEX channel_locks_active ON channel_locks (channel_id) WHERE unlocked_at IS NULL;

CREATE TABLE bump_stats (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    bump_count BIGINT NOT NULL,
    last_bump_at BIGINT NOT NULL,
    UNIQUE (guild_id, user_id)
);

CREATE TABLE command_usage (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT NOT NULL REFERENCES guilds (id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    command TEXT NOT NULL,
    use_count BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL,
    UNIQUE (guild_id, user_id, command)
);

CREATE TABLE api_keys (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL,
    -- SHA-256 of the key, hex. Keys are 256 random bits, so a fast hash is enough.
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at BIGINT
);

CREATE TABLE web_sessions (
    id BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES discord_users (id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- Durable work with a due time (temporary role expiry, channel unlock, warning expiry...).
-- A worker claims a row by setting locked_until; a crash lets the claim lapse, so nothing is
-- lost, and the claim makes sure two workers never run the same row at once.
CREATE TABLE scheduled_actions (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    payload TEXT NOT NULL DEFAULT '{}',
    due_at BIGINT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    finished_at BIGINT
);
CREATE INDEX scheduled_actions_due ON scheduled_actions (status, due_at);
CREATE INDEX scheduled_actions_subject ON scheduled_actions (kind, subject_id);

CREATE TABLE sync_jobs (
    id BIGSERIAL PRIMARY KEY,
    guild_id BIGINT REFERENCES guilds (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    requested_by TEXT,
    total BIGINT NOT NULL DEFAULT 0,
    processed BIGINT NOT NULL DEFAULT 0,
    error TEXT,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    finished_at BIGINT
);
