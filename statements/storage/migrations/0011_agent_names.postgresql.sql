-- Names the LRS has seen for an agent key in statements of credentials with 'define'
-- (the Agents resource's Person object, Communication 2.4). Derived from the statement log.
CREATE TABLE agent_names (
    agent TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (agent, name)
);
