-- Text search over summaries without their words (issue 12): the view's `searchTokens`, keyed hashes of
-- the summary's words (platform/search-index.ts). A search asks for rows holding all of its tokens
-- (`@>`), which the GIN index answers; `jsonb_path_ops` is the smaller opclass and supports exactly `@>`.
ALTER TABLE complaints ADD COLUMN search_tokens jsonb NOT NULL DEFAULT '[]';
CREATE INDEX complaints_search_tokens ON complaints USING gin (search_tokens jsonb_path_ops);
