-- A ledger as schema version 1 left it (the first step of MIGRATIONS in pipeline/ledger.c,
-- copied verbatim), with one earlier run that issued one request: Nguyễn Thị Ánh Tuyết's
-- Mẫu 01 of 15/10/2026. tests/e2e_txn.sh opens it with the current program: the schema must
-- be migrated to version 2 and these rows kept, so the request is reported "Đã lập trước".
BEGIN;
CREATE TABLE runs(id INTEGER PRIMARY KEY, started TEXT NOT NULL, finished TEXT, as_of TEXT NOT NULL, outcome TEXT NOT NULL DEFAULT 'dang-chay', pid INTEGER);
CREATE TABLE rosters(id INTEGER PRIMARY KEY, run INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, sha256 TEXT NOT NULL, agency TEXT NOT NULL, outcome TEXT NOT NULL, rows INTEGER NOT NULL, accepted INTEGER NOT NULL, date TEXT NOT NULL);
CREATE INDEX rosters_sha256 ON rosters(sha256);
CREATE TABLE requests(id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, procedure TEXT NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, run INTEGER NOT NULL REFERENCES runs(id), roster INTEGER NOT NULL REFERENCES rosters(id), line INTEGER NOT NULL, date TEXT NOT NULL);
CREATE TABLE documents(id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, form TEXT NOT NULL, agency TEXT NOT NULL, procedure TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, pages INTEGER NOT NULL, bytes INTEGER NOT NULL, run INTEGER NOT NULL REFERENCES runs(id), roster INTEGER NOT NULL REFERENCES rosters(id), date TEXT NOT NULL, sources TEXT NOT NULL, tmp TEXT);
CREATE TABLE document_requests(document INTEGER NOT NULL REFERENCES documents(id), request INTEGER NOT NULL REFERENCES requests(id), PRIMARY KEY(document, request));

INSERT INTO runs VALUES(1, '2026-10-15T09:00:00', '2026-10-15T09:00:04', '2026-10-15', 'xong', 4242);
INSERT INTO rosters VALUES(1, 1, 'stc-thang-10.csv', '0000000000000000000000000000000000000000000000000000000000000001', 'Sở Tài chính tỉnh An Giang', 'xong', 1, 1, '2026-10-15');
INSERT INTO requests VALUES(1, 'cap-moi|089185001234|', 'cap-moi', 'Nguyễn Thị Ánh Tuyết', 'da-lap', 1, 1, 2, '2026-10-15');
INSERT INTO documents VALUES(1, 'so-tai-chinh-tinh-an-giang/cap-moi/Mau01-nguyen-thi-anh-tuyet.pdf', '01', 'Sở Tài chính tỉnh An Giang', 'cap-moi', 'Nguyễn Thị Ánh Tuyết', '0000000000000000000000000000000000000000000000000000000000000002', 1, 146452, 1, 1, '2026-10-15', 'stc-thang-10.csv:2', NULL);
INSERT INTO document_requests VALUES(1, 1);
PRAGMA user_version = 1;
COMMIT;
