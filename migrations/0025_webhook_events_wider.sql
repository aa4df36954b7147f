-- An endpoint's subscribed event names, comma-joined: room for every event type with space to
-- grow (eleven types take 235 characters; 200 refused an endpoint that named them all).
ALTER TABLE webhook_endpoints MODIFY events VARCHAR(1000) NOT NULL;
