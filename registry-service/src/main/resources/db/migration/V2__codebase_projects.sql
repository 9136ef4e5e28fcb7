-- A codebase is stored once per content, and belongs to every project it was uploaded to.
CREATE TABLE codebase_projects (
    codebase_id text        NOT NULL REFERENCES codebases (id) ON DELETE CASCADE,
    project_id  text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (codebase_id, project_id)
);
CREATE INDEX codebase_projects_project ON codebase_projects (project_id);
