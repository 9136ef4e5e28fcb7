-- Triggers written in a service's JSON: trigger-service keeps them in step with the service's spec.
ALTER TABLE triggers ADD COLUMN from_spec boolean NOT NULL DEFAULT false;
