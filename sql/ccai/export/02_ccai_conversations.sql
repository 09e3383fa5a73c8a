-- ccai_conversations (native export only)
-- Grain: one row per exported conversation.
-- Sources: ccai_export_conversations (01). Gives export-only datasets the relation the metric views read; a dataset
-- loaded by the pull source already has a ccai_conversations table, so this file is not applied there.
CREATE OR REPLACE VIEW ccai_conversations AS
SELECT * FROM ccai_export_conversations
