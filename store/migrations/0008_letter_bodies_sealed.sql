-- Letter bodies sealed at rest, as survey comments are (migration 0007): the rendered body holds the
-- customer's name and words. From now the projector writes `body` as base64 of AES-256-GCM bytes under the
-- payload ring key `body_key_id` (platform/store-seal.ts), bound to the table, this row's event id and its
-- complaint id, so a sealed body copied onto another row fails to open. `body_key_id` null means `body` is
-- in clear: the deployment runs without payload encryption on purpose (REDRESS_PAYLOAD_ENCRYPTION=off), or
-- the row was stored before this migration. `body_sha256` is unchanged: the SHA-256 of the CLEAR body, the
-- letter's proof of integrity, which is why it needs no key to check a copy against.
--
-- Rows stored before this migration keep `body_key_id` null, so they stay readable. A rebuild does not
-- reseal them (it keeps this table, store/tables.ts KEPT_ON_REBUILD, and a letter re-read from the topic
-- changes nothing), and a letter older than the topic's 30 days is no longer on it: so the projector seals
-- the clear rows itself, at every start, with the ring (store/letters.ts sealClearLetters; nothing to do
-- when it runs without encryption). The partial index finds them without reading the sealed rows.
ALTER TABLE complaint_letters ADD COLUMN body_key_id text;
CREATE INDEX complaint_letters_clear_body ON complaint_letters (event_id) WHERE body_key_id IS NULL;
