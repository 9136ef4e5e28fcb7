-- Codebases: zip blobs, content-addressed by the sha256 of their bytes (the id).
CREATE TABLE codebases (
    id          text PRIMARY KEY,
    size        bigint      NOT NULL,
    entries     jsonb       NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Packages: the latest state in doc; every state, the latest included, in package_revisions.
CREATE TABLE packages (
    id          text PRIMARY KEY,
    project_id  text        NOT NULL,
    name        text        NOT NULL,
    version     integer     NOT NULL,
    doc         jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT packages_project_name UNIQUE (project_id, name)
);

CREATE TABLE package_revisions (
    package_id  text        NOT NULL REFERENCES packages (id) ON DELETE CASCADE,
    revision    integer     NOT NULL,
    doc         jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (package_id, revision)
);

-- Services (deployments): the current state in doc; every version in service_revisions.
CREATE TABLE services (
    id          text PRIMARY KEY,
    project_id  text        NOT NULL,
    name        text        NOT NULL,
    package_id  text        NOT NULL REFERENCES packages (id),
    version     integer     NOT NULL,
    active      boolean     NOT NULL,
    doc         jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CONSTRAINT services_project_name UNIQUE (project_id, name)
);
CREATE INDEX services_package ON services (package_id);

CREATE TABLE service_revisions (
    service_id  text        NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    version     integer     NOT NULL,
    doc         jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (service_id, version)
);

