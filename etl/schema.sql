-- The admissions database. Built by etl/build.py; opened read-only by the bot.

CREATE TABLE schools (
    school_id INTEGER PRIMARY KEY,
    name VARCHAR NOT NULL,
    moe_code VARCHAR,
    province VARCHAR,
    city VARCHAR,
    level VARCHAR,            -- 本科 / 专科 / 职业本科
    nature VARCHAR,           -- 公办 / 民办 / 中外合作
    authority VARCHAR,        -- 教育部, 河南省 ...
    category VARCHAR,         -- 综合 / 理工 / 师范 ...
    is985 BOOLEAN NOT NULL,
    is211 BOOLEAN NOT NULL,
    double_first_class BOOLEAN NOT NULL,
    ranking INTEGER,          -- 软科中国大学排名 position
    ranking_name VARCHAR,
    gaokao_id VARCHAR,
    english_name VARCHAR,
    tags VARCHAR[]
);

CREATE TABLE school_aliases (
    alias VARCHAR NOT NULL,
    school_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,    -- official / short / former / spelling / english
    source VARCHAR NOT NULL
);

CREATE TABLE score_ranks (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    score INTEGER NOT NULL,
    rank INTEGER NOT NULL,    -- students with this score or more
    count INTEGER,
    source_file VARCHAR NOT NULL
);

CREATE TABLE cohorts (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    size INTEGER NOT NULL,    -- the 一分一段 tail: everyone ranked in that table
    min_score INTEGER NOT NULL,
    max_score INTEGER NOT NULL,
    source_file VARCHAR NOT NULL,
    truncated BOOLEAN NOT NULL  -- the table stops before its cohort's end (above the 专科 line): size is not the cohort
);

CREATE TABLE control_lines (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    batch_raw VARCHAR NOT NULL,
    score DOUBLE NOT NULL,
    source_file VARCHAR NOT NULL
);

CREATE TABLE admissions (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    batch_level VARCHAR NOT NULL,  -- 本科 / 专科
    batch_raw VARCHAR NOT NULL,
    round VARCHAR NOT NULL,        -- gaokao.terms.Round: first / later / solicit / supplement
    school_id INTEGER,             -- NULL when the spelling did not resolve
    school_raw VARCHAR NOT NULL,
    campus VARCHAR,                -- a place (威海, 保定, 秦皇岛分校), never a programme or faculty
    grp VARCHAR,
    major VARCHAR,
    level VARCHAR NOT NULL,        -- school / group / major
    programme VARCHAR NOT NULL,    -- gaokao.terms.Programme code: ordinary / sino_foreign / national_special ...
    programme_label VARCHAR,       -- the raw label that decided the programme; NULL for ordinary
    min_score DOUBLE,
    min_rank INTEGER,
    rank_source VARCHAR,           -- published / derived (from 一分一段) ; NULL when no rank
    plan_count INTEGER,
    quality VARCHAR NOT NULL,      -- official / school / third-party
    note VARCHAR,
    source_file VARCHAR NOT NULL
);

-- Admission rows that cannot be true (below their batch line, a year far from the school's
-- others, a less trusted duplicate with other values): the full admissions row, moved here from
-- admissions by etl/quarantine.py, with a reason code and a human detail. Columns mirror
-- admissions (tests/etl/test_quarantine.py checks it).
CREATE TABLE quarantine (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    batch_level VARCHAR NOT NULL,  -- 本科 / 专科
    batch_raw VARCHAR NOT NULL,
    round VARCHAR NOT NULL,        -- gaokao.terms.Round: first / later / solicit / supplement
    school_id INTEGER,             -- NULL when the spelling did not resolve
    school_raw VARCHAR NOT NULL,
    campus VARCHAR,                -- a place (威海, 保定, 秦皇岛分校), never a programme or faculty
    grp VARCHAR,
    major VARCHAR,
    level VARCHAR NOT NULL,        -- school / group / major
    programme VARCHAR NOT NULL,    -- gaokao.terms.Programme code: ordinary / sino_foreign / national_special ...
    programme_label VARCHAR,       -- the raw label that decided the programme; NULL for ordinary
    min_score DOUBLE,
    min_rank INTEGER,
    rank_source VARCHAR,           -- published / derived (from 一分一段) ; NULL when no rank
    plan_count INTEGER,
    quality VARCHAR NOT NULL,      -- official / school / third-party
    note VARCHAR,
    source_file VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,       -- conflicting_duplicate / below_control_line / year_outlier
    detail VARCHAR NOT NULL
);

-- One row per school, province, year, track and batch: the school's easiest ordinary
-- (programme = 'ordinary', round = 'first') entry ("can I get in at all"), from the most trusted rows available.
CREATE TABLE school_cutoffs (
    province VARCHAR NOT NULL,
    year INTEGER NOT NULL,
    track VARCHAR NOT NULL,
    batch VARCHAR NOT NULL,
    batch_level VARCHAR NOT NULL,
    school_id INTEGER NOT NULL,
    campus VARCHAR,
    min_score DOUBLE,
    min_rank INTEGER,
    rank_source VARCHAR,
    level VARCHAR NOT NULL,        -- the finest level the cutoff was taken from
    verified BOOLEAN NOT NULL,     -- false: only unverified third-party rows
    n_rows INTEGER NOT NULL,
    source_file VARCHAR NOT NULL
);

CREATE TABLE major_strength (
    school_id INTEGER NOT NULL,
    major VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    rank INTEGER,
    grade VARCHAR,
    year INTEGER,
    major_code VARCHAR,
    source_file VARCHAR NOT NULL
);

CREATE TABLE build_info (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

CREATE TABLE source_files (
    path VARCHAR PRIMARY KEY,
    sha256 VARCHAR,
    size BIGINT,
    rows BIGINT NOT NULL,
    status VARCHAR NOT NULL,       -- read / skipped
    reason VARCHAR
);

CREATE TABLE unresolved_names (school_raw VARCHAR, rows BIGINT, how VARCHAR);

-- Each school's groups (院校专业组) or majors per province, track and year, as the bot places them: derived by
-- etl/units.py (with bot/core/units.py derive) from the first-round group and major rows of the school's latest
-- year with a school cutoff (or the year before), no 提前 batch: the ordinary ones, and apart from them (each
-- its own latest year, written after every ordinary row) the sino-foreign ones. Hardest first within a
-- school-campus-batch level-year-programme, in rowid order.
CREATE TABLE group_units (
    province VARCHAR NOT NULL,
    track VARCHAR NOT NULL,        -- the first (by name) of the comparable tracks whose rows made the unit
    school_id INTEGER NOT NULL,
    campus VARCHAR,
    batch_level VARCHAR NOT NULL,
    school_kind VARCHAR NOT NULL,  -- how the school's 志愿 works that year: group / major / school (old 文理)
    kind VARCHAR NOT NULL,         -- group / major
    code VARCHAR,                  -- the group's code (101, 03 …) when the source gives one
    name VARCHAR NOT NULL,         -- the group's short label, or the major's name
    majors VARCHAR[] NOT NULL,     -- a group's majors, hardest first; [] for a major
    min_rank INTEGER NOT NULL,
    min_score DOUBLE,
    rank_source VARCHAR,
    year INTEGER NOT NULL,
    programme VARCHAR NOT NULL     -- gaokao.terms.Programme code: ordinary / sino_foreign (中外合作办学)
);
