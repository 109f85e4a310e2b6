package storage

// Items of every collection live in one table, rather than a table per
// collection:
//
//   - collections are created by the first write of a webhook, at any time;
//     with one table that is an INSERT into collections inside the write's
//     own transaction, never DDL racing the group-committing writer;
//   - collection names never appear in SQL text (they are bound values),
//     so no name can inject SQL and no identifier quoting is needed;
//   - one set of statements serves every collection, and an expression
//     index declared for a field (collection, json_extract(data, …)) serves
//     every collection that declares the same field.
//
// seq is insertion order, the default order and the tie-breaker of every
// sort. key is the id's text (item_keys.go), unique per collection. data
// is the item as JSON (text on SQLite, jsonb on PostgreSQL), `id` included.
// The table is created by the first migration of each database
// (migrations/*/00001_initial.sql); the expression indexes collections
// declare are created and dropped with them (item_indexes.go).
