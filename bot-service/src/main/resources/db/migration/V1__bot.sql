-- Users: people, bots (a project identity for services) and internal services (the operator).
CREATE TABLE users (
    id           text PRIMARY KEY,
    kind         text        NOT NULL CHECK (kind IN ('user', 'bot', 'service')),
    username     text        NOT NULL UNIQUE,
    email        text,
    admin        boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now()
);

-- API keys: only a hash of the secret is kept; revoked keys stay for the record.
CREATE TABLE api_keys (
    id           text PRIMARY KEY,
    user_id      text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    secret_hash  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    revoked_at   timestamptz
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE projects (
    id           text PRIMARY KEY,
    name         text        NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE members (
    project_id   text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    user_id      text        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role         text        NOT NULL CHECK (role IN ('owner', 'developer', 'annotationManager', 'annotator')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, user_id)
);
CREATE INDEX members_user ON members (user_id);

-- Bots: the bot user's home project and its name there.
CREATE TABLE bots (
    user_id      text PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    project_id   text        NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name         text        NOT NULL,
    created_by   text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT bots_project_name UNIQUE (project_id, name)
);

-- Signing keys (RSA, as private JWKs); a retired key stays published until its tokens expire.
CREATE TABLE signing_keys (
    kid          text PRIMARY KEY,
    jwk          text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    retired_at   timestamptz
);

