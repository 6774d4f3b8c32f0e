"""The project file's schema, as numbered migrations.

``PRAGMA user_version`` holds the number of migrations applied. Opening a project applies the
missing ones in a single transaction, so an older file is upgraded in place or not at all.
Add a migration by appending to :data:`MIGRATIONS`; never edit one that has shipped.
"""

from __future__ import annotations

APPLICATION_ID = 0x51434F44  # "QCOD": tells a qualcode project from any other SQLite file

V1 = """
CREATE TABLE project (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    created_at TEXT NOT NULL,
    guid TEXT NOT NULL
);
CREATE TABLE transcripts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    "group" TEXT,
    language TEXT NOT NULL,
    source_file TEXT,
    content_hash TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE
);
CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('interviewer', 'participant')),
    attributes TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(attributes)),
    guid TEXT NOT NULL UNIQUE,
    UNIQUE (transcript_id, label)
);
CREATE TABLE turns (
    id INTEGER PRIMARY KEY,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL CHECK (turn >= 1),
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    start INTEGER NOT NULL,
    "end" INTEGER NOT NULL CHECK ("end" >= start),
    timestamp TEXT,
    text TEXT NOT NULL,
    words INTEGER NOT NULL,
    UNIQUE (transcript_id, turn)
);
CREATE INDEX turns_speaker ON turns (speaker_id);
CREATE TABLE codebook (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    languages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(languages)),
    guid TEXT NOT NULL
);
CREATE TABLE codes (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    parent_id INTEGER REFERENCES codes(id) ON DELETE RESTRICT,
    position INTEGER NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(label)),
    description TEXT NOT NULL DEFAULT '',
    include TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(include)),
    exclude TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(exclude)),
    examples TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(examples)),
    color TEXT,
    keywords TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(keywords)),
    guid TEXT NOT NULL UNIQUE
);
CREATE INDEX codes_parent ON codes (parent_id);
CREATE TABLE coders (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE
);
CREATE TABLE codings (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE RESTRICT,
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE RESTRICT,
    start INTEGER,
    "end" INTEGER,
    memo TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggestion', 'import')),
    created_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    CHECK ((start IS NULL) = ("end" IS NULL)),
    CHECK (start IS NULL OR (start >= 0 AND "end" > start))
);
CREATE UNIQUE INDEX codings_unique
    ON codings (turn_id, code_id, coder_id, IFNULL(start, -1), IFNULL("end", -1));
CREATE INDEX codings_code ON codings (code_id, coder_id);
CREATE INDEX codings_coder ON codings (coder_id, turn_id);
CREATE TABLE memos (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE RESTRICT,
    text TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    UNIQUE (turn_id, coder_id)
);
CREATE TABLE suggestions (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder_id INTEGER REFERENCES coders(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    method TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(evidence)),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'accepted', 'rejected')),
    created_at TEXT NOT NULL
);
CREATE INDEX suggestions_turn ON suggestions (turn_id, status);
CREATE INDEX suggestions_code ON suggestions (code_id, method);
CREATE VIEW turn_details AS
SELECT
    turns.id AS id,
    transcripts.name AS transcript,
    transcripts."group" AS "group",
    transcripts.language AS language,
    turns.turn AS turn,
    speakers.label AS speaker,
    speakers.role AS role,
    turns.start AS start,
    turns."end" AS "end",
    turns.timestamp AS timestamp,
    turns.text AS text,
    turns.words AS words,
    turns.transcript_id AS transcript_id,
    turns.speaker_id AS speaker_id
FROM turns
JOIN transcripts ON transcripts.id = turns.transcript_id
JOIN speakers ON speakers.id = turns.speaker_id;
"""

# Accepting or rejecting a suggestion is a decision of one coder about one (turn, code): it
# outlives recomputed suggestions, hides the suggestion from that coder only, and a rejection
# is a negative example for that coder's learned suggester. (suggestions.status is unused.)
SUGGESTION_DECISIONS = """
CREATE TABLE suggestion_decisions (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    method TEXT NOT NULL,
    score REAL,
    decided_at TEXT NOT NULL,
    UNIQUE (turn_id, code_id, coder_id)
);
CREATE INDEX suggestion_decisions_coder ON suggestion_decisions (coder_id, decision);
CREATE INDEX suggestions_scope ON suggestions (method, coder_id, turn_id);
INSERT INTO suggestion_decisions
    (turn_id, code_id, coder_id, decision, method, score, decided_at)
SELECT turn_id, code_id, coder_id, status, method, score, created_at
FROM suggestions WHERE status != 'open' AND coder_id IS NOT NULL
GROUP BY turn_id, code_id, coder_id;
"""

ADJUDICATION = """
CREATE TABLE consensus_coders (
    coder_id INTEGER PRIMARY KEY REFERENCES coders(id) ON DELETE CASCADE,
    coder_a_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    coder_b_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK (coder_a_id != coder_b_id AND coder_id NOT IN (coder_a_id, coder_b_id))
);
CREATE TABLE adjudications (
    consensus_coder_id INTEGER NOT NULL
        REFERENCES consensus_coders(coder_id) ON DELETE CASCADE,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    decision TEXT NOT NULL CHECK (decision IN ('a', 'b', 'both', 'none', 'codes')),
    codes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(codes)),
    decided_at TEXT NOT NULL,
    PRIMARY KEY (consensus_coder_id, turn_id)
);
"""

# Reports read each coder's codings turn by turn: cover the code too, so that they never touch
# the table itself.
CODINGS_COVERING_INDEX = """
DROP INDEX codings_coder;
CREATE INDEX codings_coder ON codings (coder_id, turn_id, code_id);
"""

MIGRATIONS: list[str] = [V1, SUGGESTION_DECISIONS, ADJUDICATION, CODINGS_COVERING_INDEX]
SCHEMA_VERSION = len(MIGRATIONS)
