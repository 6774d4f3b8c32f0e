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


# Reports count distinct coded turns per coder, code and speaker. Counting them from a million
# codings takes most of a second, so the project keeps the counts, kept current by triggers:
# - code_ancestors: each code's ancestors in the codebook's tree, itself included (a coding
#   of a sub-code counts for its parents when reports roll sub-codes up). Triggers cannot use
#   WITH, so the store rebuilds this table whenever the tree changes (update_code_ancestors in
#   qualcode.store.codebook), and rebuilds the rolled-up counts of the codes it moved.
# - speaker_turns: turns per speaker (the denominators of shares).
# - speaker_code_turns: per coder, code and speaker, the turns coded with the code (rollup 0)
#   or with the code or one of its sub-codes (rollup 1), however many span codings each turn
#   has; ``codings`` counts the codings themselves (rollup 0 only).
# - transcript_code_turns: the same summed per transcript and speaker role, with the number of
#   speakers who have the code: what reports by code, group, transcript and role read (in
#   transcript order, so that they look each transcript up once, not once per code).
REPORT_COUNTS_TABLES = """
CREATE TABLE code_ancestors (
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    ancestor_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    PRIMARY KEY (code_id, ancestor_id)
) WITHOUT ROWID;
CREATE INDEX code_ancestors_ancestor ON code_ancestors (ancestor_id);
CREATE TABLE speaker_turns (
    speaker_id INTEGER PRIMARY KEY REFERENCES speakers(id) ON DELETE CASCADE,
    turns INTEGER NOT NULL
);
CREATE TABLE speaker_code_turns (
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    rollup INTEGER NOT NULL CHECK (rollup IN (0, 1)),
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    turns INTEGER NOT NULL,
    codings INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (coder_id, rollup, code_id, speaker_id)
) WITHOUT ROWID;
CREATE INDEX speaker_code_turns_speaker ON speaker_code_turns (speaker_id);
CREATE TABLE transcript_code_turns (
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    rollup INTEGER NOT NULL CHECK (rollup IN (0, 1)),
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    turns INTEGER NOT NULL,
    speakers INTEGER NOT NULL,
    codings INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (coder_id, rollup, transcript_id, role, code_id)
) WITHOUT ROWID;
WITH RECURSIVE up (code_id, ancestor_id) AS (
    SELECT id, id FROM codes
    UNION
    SELECT up.code_id, codes.parent_id FROM up JOIN codes ON codes.id = up.ancestor_id
    WHERE codes.parent_id IS NOT NULL
)
INSERT INTO code_ancestors (code_id, ancestor_id) SELECT code_id, ancestor_id FROM up;
INSERT INTO speaker_turns (speaker_id, turns)
SELECT speaker_id, count(*) FROM turns GROUP BY speaker_id;
"""

# The counts recounted from the codings, for the codings ``{where}`` selects (``1``: all): what
# the migration that introduced the counts runs, and what the store runs after a bulk write
# (:mod:`qualcode.store.counts`). Codings ``c`` with their turns ``t`` and, rolled up, the
# ancestors ``a`` of their codes; then the per-transcript sums of the per-speaker counts ``a``.
RECOUNT_CODES = """
INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
SELECT c.coder_id, 0, c.code_id, t.speaker_id, count(DISTINCT c.turn_id), count(*)
FROM codings c JOIN turns t ON t.id = c.turn_id
WHERE {where}
GROUP BY c.coder_id, c.code_id, t.speaker_id;
"""
RECOUNT_ROLLUP = """
INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
SELECT c.coder_id, 1, a.ancestor_id, t.speaker_id, count(DISTINCT c.turn_id), 0
FROM codings c JOIN code_ancestors a ON a.code_id = c.code_id JOIN turns t ON t.id = c.turn_id
WHERE {where}
GROUP BY c.coder_id, a.ancestor_id, t.speaker_id;
"""
RECOUNT_TRANSCRIPTS = """
INSERT INTO transcript_code_turns
    (coder_id, rollup, code_id, transcript_id, role, turns, speakers, codings)
SELECT a.coder_id, a.rollup, a.code_id, s.transcript_id, s.role, sum(a.turns), sum(a.turns > 0),
       sum(a.codings)
FROM speaker_code_turns a JOIN speakers s ON s.id = a.speaker_id
WHERE {where}
GROUP BY a.coder_id, a.rollup, a.code_id, s.transcript_id, s.role;
"""

REPORT_COUNTS_TRIGGERS = """
CREATE TRIGGER code_ancestors_insert AFTER INSERT ON codes BEGIN
    INSERT OR IGNORE INTO code_ancestors (code_id, ancestor_id) VALUES (NEW.id, NEW.id);
    INSERT OR IGNORE INTO code_ancestors (code_id, ancestor_id)
    SELECT NEW.id, ancestor_id FROM code_ancestors WHERE code_id = NEW.parent_id;
END;
CREATE TRIGGER speaker_turns_insert AFTER INSERT ON turns BEGIN
    INSERT INTO speaker_turns (speaker_id, turns) VALUES (NEW.speaker_id, 1)
    ON CONFLICT (speaker_id) DO UPDATE SET turns = turns + 1;
END;
CREATE TRIGGER speaker_turns_delete AFTER DELETE ON turns BEGIN
    UPDATE speaker_turns SET turns = turns - 1 WHERE speaker_id = OLD.speaker_id;
END;
CREATE TRIGGER speaker_turns_update AFTER UPDATE OF speaker_id ON turns
WHEN OLD.speaker_id != NEW.speaker_id BEGIN
    UPDATE speaker_turns SET turns = turns - 1 WHERE speaker_id = OLD.speaker_id;
    INSERT INTO speaker_turns (speaker_id, turns) VALUES (NEW.speaker_id, 1)
    ON CONFLICT (speaker_id) DO UPDATE SET turns = turns + 1;
END;
"""

# The triggers on codings that keep the counts (rebuilt with the table by CONSENSUS_ORIGIN).
CODINGS_COUNT_TRIGGERS = """
CREATE TRIGGER codings_count_insert AFTER INSERT ON codings BEGIN
    INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
    SELECT NEW.coder_id, 0, NEW.code_id, t.speaker_id,
           NOT EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = NEW.turn_id
                       AND c.code_id = NEW.code_id AND c.coder_id = NEW.coder_id
                       AND c.id != NEW.id), 1
    FROM turns t WHERE t.id = NEW.turn_id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns, codings = codings + 1;
    INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
    SELECT NEW.coder_id, 1, a.ancestor_id, t.speaker_id,
           NOT EXISTS (SELECT 1 FROM codings c JOIN code_ancestors d ON d.code_id = c.code_id
                       WHERE c.coder_id = NEW.coder_id AND c.turn_id = NEW.turn_id
                       AND d.ancestor_id = a.ancestor_id AND c.id != NEW.id), 0
    FROM code_ancestors a JOIN turns t ON t.id = NEW.turn_id WHERE a.code_id = NEW.code_id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns;
END;
CREATE TRIGGER codings_count_delete AFTER DELETE ON codings BEGIN
    UPDATE speaker_code_turns
    SET turns = turns - NOT EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = OLD.turn_id
                                    AND c.code_id = OLD.code_id AND c.coder_id = OLD.coder_id
                                    AND c.id != OLD.id),
        codings = codings - 1
    WHERE coder_id = OLD.coder_id AND rollup = 0 AND code_id = OLD.code_id
      AND speaker_id = (SELECT speaker_id FROM turns WHERE id = OLD.turn_id);
    UPDATE speaker_code_turns
    SET turns = turns - NOT EXISTS (SELECT 1 FROM codings c JOIN code_ancestors d
                                    ON d.code_id = c.code_id
                                    WHERE c.coder_id = OLD.coder_id AND c.turn_id = OLD.turn_id
                                    AND d.ancestor_id = speaker_code_turns.code_id
                                    AND c.id != OLD.id)
    WHERE coder_id = OLD.coder_id AND rollup = 1
      AND code_id IN (SELECT ancestor_id FROM code_ancestors WHERE code_id = OLD.code_id)
      AND speaker_id = (SELECT speaker_id FROM turns WHERE id = OLD.turn_id);
END;
CREATE TRIGGER codings_count_update AFTER UPDATE OF turn_id, code_id, coder_id ON codings
WHEN OLD.turn_id != NEW.turn_id OR OLD.code_id != NEW.code_id OR OLD.coder_id != NEW.coder_id
BEGIN
    UPDATE speaker_code_turns
    SET turns = turns - NOT EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = OLD.turn_id
                                    AND c.code_id = OLD.code_id AND c.coder_id = OLD.coder_id
                                    AND c.id != OLD.id),
        codings = codings - 1
    WHERE coder_id = OLD.coder_id AND rollup = 0 AND code_id = OLD.code_id
      AND speaker_id = (SELECT speaker_id FROM turns WHERE id = OLD.turn_id);
    UPDATE speaker_code_turns
    SET turns = turns - NOT EXISTS (SELECT 1 FROM codings c JOIN code_ancestors d
                                    ON d.code_id = c.code_id
                                    WHERE c.coder_id = OLD.coder_id AND c.turn_id = OLD.turn_id
                                    AND d.ancestor_id = speaker_code_turns.code_id
                                    AND c.id != OLD.id)
    WHERE coder_id = OLD.coder_id AND rollup = 1
      AND code_id IN (SELECT ancestor_id FROM code_ancestors WHERE code_id = OLD.code_id)
      AND speaker_id = (SELECT speaker_id FROM turns WHERE id = OLD.turn_id);
    INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
    SELECT NEW.coder_id, 0, NEW.code_id, t.speaker_id,
           NOT EXISTS (SELECT 1 FROM codings c WHERE c.turn_id = NEW.turn_id
                       AND c.code_id = NEW.code_id AND c.coder_id = NEW.coder_id
                       AND c.id != NEW.id), 1
    FROM turns t WHERE t.id = NEW.turn_id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns, codings = codings + 1;
    INSERT INTO speaker_code_turns (coder_id, rollup, code_id, speaker_id, turns, codings)
    SELECT NEW.coder_id, 1, a.ancestor_id, t.speaker_id,
           NOT EXISTS (SELECT 1 FROM codings c JOIN code_ancestors d ON d.code_id = c.code_id
                       WHERE c.coder_id = NEW.coder_id AND c.turn_id = NEW.turn_id
                       AND d.ancestor_id = a.ancestor_id AND c.id != NEW.id), 0
    FROM code_ancestors a JOIN turns t ON t.id = NEW.turn_id WHERE a.code_id = NEW.code_id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns;
END;
"""

REPORT_COUNTS_SPEAKER_TRIGGERS = """
CREATE TRIGGER speaker_code_turns_insert AFTER INSERT ON speaker_code_turns BEGIN
    INSERT INTO transcript_code_turns
        (coder_id, rollup, code_id, transcript_id, role, turns, speakers, codings)
    SELECT NEW.coder_id, NEW.rollup, NEW.code_id, s.transcript_id, s.role, NEW.turns,
           NEW.turns > 0, NEW.codings
    FROM speakers s WHERE s.id = NEW.speaker_id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns,
        speakers = speakers + excluded.speakers, codings = codings + excluded.codings;
END;
CREATE TRIGGER speaker_code_turns_update AFTER UPDATE OF turns, codings ON speaker_code_turns
BEGIN
    UPDATE transcript_code_turns
    SET turns = turns + NEW.turns - OLD.turns,
        speakers = speakers + (NEW.turns > 0) - (OLD.turns > 0),
        codings = codings + NEW.codings - OLD.codings
    WHERE coder_id = NEW.coder_id AND rollup = NEW.rollup AND code_id = NEW.code_id
      AND (transcript_id, role) = (SELECT transcript_id, role FROM speakers
                                   WHERE id = NEW.speaker_id);
END;
CREATE TRIGGER speaker_code_turns_delete AFTER DELETE ON speaker_code_turns BEGIN
    UPDATE transcript_code_turns
    SET turns = turns - OLD.turns, speakers = speakers - (OLD.turns > 0),
        codings = codings - OLD.codings
    WHERE coder_id = OLD.coder_id AND rollup = OLD.rollup AND code_id = OLD.code_id
      AND (transcript_id, role) = (SELECT transcript_id, role FROM speakers
                                   WHERE id = OLD.speaker_id);
END;
CREATE TRIGGER speaker_role_update AFTER UPDATE OF role ON speakers
WHEN OLD.role != NEW.role BEGIN
    UPDATE transcript_code_turns
    SET turns = transcript_code_turns.turns - a.turns,
        speakers = transcript_code_turns.speakers - (a.turns > 0),
        codings = transcript_code_turns.codings - a.codings
    FROM (SELECT coder_id, rollup, code_id, turns, codings FROM speaker_code_turns
          WHERE speaker_id = OLD.id) AS a
    WHERE transcript_code_turns.coder_id = a.coder_id
      AND transcript_code_turns.rollup = a.rollup
      AND transcript_code_turns.code_id = a.code_id
      AND transcript_code_turns.transcript_id = OLD.transcript_id
      AND transcript_code_turns.role = OLD.role;
    INSERT INTO transcript_code_turns
        (coder_id, rollup, code_id, transcript_id, role, turns, speakers, codings)
    SELECT coder_id, rollup, code_id, NEW.transcript_id, NEW.role, turns, turns > 0, codings
    FROM speaker_code_turns WHERE speaker_id = NEW.id
    ON CONFLICT DO UPDATE SET turns = turns + excluded.turns,
        speakers = speakers + excluded.speakers, codings = codings + excluded.codings;
END;
"""

REPORT_COUNTS = (
    REPORT_COUNTS_TABLES
    + "".join(sql.format(where="1") for sql in (RECOUNT_CODES, RECOUNT_ROLLUP, RECOUNT_TRANSCRIPTS))
    + REPORT_COUNTS_TRIGGERS
    + CODINGS_COUNT_TRIGGERS
    + REPORT_COUNTS_SPEAKER_TRIGGERS
)


# Every suggest run replaces its suggestions wholesale, so each index on them costs time on
# every run: keep one per real lookup and no more. By turn (and code): a page of turns, a
# transcript's suggestions, the suggestion a decision on a turn + code is about, replacing a
# transcript's or some turns' suggestions, deleting a turn. By code: deleting a code.
# Replacing the whole project's suggestions of a method reads the table once. (status is
# unused since SUGGESTION_DECISIONS.)
SUGGESTION_INDEXES = """
DROP INDEX suggestions_scope;
DROP INDEX suggestions_turn;
DROP INDEX suggestions_code;
CREATE INDEX suggestions_turn ON suggestions (turn_id, code_id);
CREATE INDEX suggestions_code ON suggestions (code_id);
"""

# Consensus codings (derived by adjudication, see qualcode.analyse.consensus) get an origin of
# their own. SQLite cannot change a CHECK constraint, so the table is rebuilt: every coding is
# copied with its id, those of consensus coders as 'consensus' (they were stored as 'manual');
# the indexes and the triggers that keep the report counts are made again (dropping the old
# table dropped them; the counts themselves are unchanged, as the codings are).
CONSENSUS_ORIGIN = (
    """
CREATE TABLE codings_v7 (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE RESTRICT,
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE RESTRICT,
    start INTEGER,
    "end" INTEGER,
    memo TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('manual', 'suggestion', 'import', 'consensus')),
    created_at TEXT NOT NULL,
    guid TEXT NOT NULL UNIQUE,
    CHECK ((start IS NULL) = ("end" IS NULL)),
    CHECK (start IS NULL OR (start >= 0 AND "end" > start))
);
INSERT INTO codings_v7 (id, turn_id, code_id, coder_id, start, "end", memo, origin, created_at,
                        guid)
SELECT id, turn_id, code_id, coder_id, start, "end", memo,
       CASE WHEN coder_id IN (SELECT coder_id FROM consensus_coders) THEN 'consensus'
            ELSE origin END,
       created_at, guid
FROM codings ORDER BY id;
DROP TABLE codings;
ALTER TABLE codings_v7 RENAME TO codings;
CREATE UNIQUE INDEX codings_unique
    ON codings (turn_id, code_id, coder_id, IFNULL(start, -1), IFNULL("end", -1));
CREATE INDEX codings_code ON codings (code_id, coder_id);
CREATE INDEX codings_coder ON codings (coder_id, turn_id, code_id);
"""
    + CODINGS_COUNT_TRIGGERS
)

# The event log of coding actions (qualcode.store.history): append-only, so its triggers refuse
# to change or delete a row. Names are kept beside the ids (coder, transcript, turn number): the
# log outlives a transcript removed, and an undo checks that the turn is still the same one.
EVENTS = """
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    coder_id INTEGER NOT NULL,
    coder TEXT NOT NULL,
    action TEXT NOT NULL
        CHECK (action IN ('code', 'uncode', 'span', 'accept', 'reject', 'memo', 'undo', 'redo')),
    turn_id INTEGER NOT NULL,
    transcript TEXT NOT NULL,
    turn INTEGER NOT NULL,
    target INTEGER REFERENCES events(id),
    summary TEXT NOT NULL,
    before TEXT NOT NULL CHECK (json_valid(before)),
    after TEXT NOT NULL CHECK (json_valid(after)),
    CHECK ((target IS NULL) = (action NOT IN ('undo', 'redo')))
);
CREATE INDEX events_coder ON events (coder_id, id);
CREATE INDEX events_by_name ON events (coder, id);
CREATE TRIGGER events_are_kept BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
CREATE TRIGGER events_are_not_deleted BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
"""

# The GUID of the selection another tool gave a coding (NVivo's PlainTextSelection), so that an
# export gives it back; NULL for codings made here, whose selection GUID is derived.
SELECTION_GUIDS = """
ALTER TABLE codings ADD COLUMN selection_guid TEXT;
"""

# A coder's learned suggester (qualcode.suggest.learned), kept so that a new process does not
# train it again: the fingerprint of what it was trained on (the coder's codings and
# rejections, the codebook) and the model as plain JSON numbers, never pickled objects. It is
# derived state: replaced when the fingerprint changes, and gone with its coder.
LEARNED_MODELS = """
CREATE TABLE learned_models (
    coder_id INTEGER PRIMARY KEY REFERENCES coders(id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    model TEXT NOT NULL,
    trained_at TEXT NOT NULL
);
"""

# Storing a suggest run faster (every run replaces its suggestions wholesale: on the benchmark
# study 534,000 rows deleted and inserted). The table is rebuilt, every row kept with its id,
# without what each row paid for and nothing used: the unused status column and its CHECK
# (SQLite builds the CHECK's list for every statement), the JSON check of the evidence (only
# qualcode's encoder writes it) and the index by code, which only deleting a code used (that
# now reads the table once; codes are deleted rarely, suggestions are stored on every run).
LEAN_SUGGESTIONS = """
CREATE TABLE suggestions_v11 (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder_id INTEGER REFERENCES coders(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    method TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
);
INSERT INTO suggestions_v11 (id, turn_id, code_id, coder_id, score, method, evidence, created_at)
SELECT id, turn_id, code_id, coder_id, score, method, evidence, created_at
FROM suggestions ORDER BY id;
DROP TABLE suggestions;
ALTER TABLE suggestions_v11 RENAME TO suggestions;
CREATE INDEX suggestions_turn ON suggestions (turn_id, code_id);
"""

# Where a coder's own combined suggestions stand in for everybody's: the transcripts whose every
# participant turn had that coder's combined suggestions computed (qualcode.suggest.workflow).
# There, the coder sees their own combined suggestions only, even for a code their thresholds
# leave out (a turn with none of their own then shows none). Derived state, like the
# suggestions themselves.
SUGGESTION_COVERAGE = """
CREATE TABLE suggestion_coverage (
    coder_id INTEGER NOT NULL REFERENCES coders(id) ON DELETE CASCADE,
    transcript_id INTEGER NOT NULL REFERENCES transcripts(id) ON DELETE CASCADE,
    PRIMARY KEY (coder_id, transcript_id)
) WITHOUT ROWID;
"""

# A suggestion's time of making was written on every row and read nowhere (a run replaces
# its rows wholesale, so every row of a run had the same time): storing it cost a tenth of
# storing a suggest run. The table is rebuilt, every row kept with its id (as in
# LEAN_SUGGESTIONS; ALTER TABLE ... DROP COLUMN needs SQLite 3.35).
UNSTAMPED_SUGGESTIONS = """
CREATE TABLE suggestions_v13 (
    id INTEGER PRIMARY KEY,
    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
    code_id INTEGER NOT NULL REFERENCES codes(id) ON DELETE CASCADE,
    coder_id INTEGER REFERENCES coders(id) ON DELETE CASCADE,
    score REAL NOT NULL,
    method TEXT NOT NULL,
    evidence TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO suggestions_v13 (id, turn_id, code_id, coder_id, score, method, evidence)
SELECT id, turn_id, code_id, coder_id, score, method, evidence FROM suggestions ORDER BY id;
DROP TABLE suggestions;
ALTER TABLE suggestions_v13 RENAME TO suggestions;
CREATE INDEX suggestions_turn ON suggestions (turn_id, code_id);
"""

# ProjectFile._check_and_upgrade refreshes the planner's statistics after the migrations it runs.
MIGRATIONS: list[str] = [
    V1,
    SUGGESTION_DECISIONS,
    ADJUDICATION,
    CODINGS_COVERING_INDEX,
    REPORT_COUNTS,
    SUGGESTION_INDEXES,
    CONSENSUS_ORIGIN,
    EVENTS,
    SELECTION_GUIDS,
    LEARNED_MODELS,
    LEAN_SUGGESTIONS,
    SUGGESTION_COVERAGE,
    UNSTAMPED_SUGGESTIONS,
]
SCHEMA_VERSION = len(MIGRATIONS)
