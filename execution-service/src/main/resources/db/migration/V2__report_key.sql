-- The secret that status reports prove themselves with (AttemptProofs): one row, shared by every instance.
CREATE TABLE report_key (
    id      int   PRIMARY KEY CHECK (id = 1),
    secret  bytea NOT NULL
);
