-- The root cause the final response recorded (the policy's `causes` taxonomy), from complaint.updated.
-- Nullable: complaints not yet resolved, resolved without a cause, and views published before the field
-- existed have none. The root-cause report groups by product, then cause, within a period of closure.
ALTER TABLE complaints ADD COLUMN cause text;
CREATE INDEX complaints_product_cause ON complaints (product, cause);
