-- The functions item queries need on PostgreSQL (storage/dialect_postgres.go
-- uses them; storage/sqlite_funcs.go has the SQLite counterparts). Each one
-- mirrors a definition of the query package, and storage's tests run the
-- same case table through both databases to keep them equal. hf_fold, the
-- case folding, is generated from Go's Unicode tables (00003).

-- +goose Up

-- hf_key is the ordering key of a JSON value, as text to compare under
-- COLLATE "C" (byte order): missing and null have none (NULL, sorted
-- first); numbers and booleans (as 0 and 1) start with '1'; strings start
-- with '2' and continue with their text (byte order is Go's string order);
-- arrays and objects sort as their JSON text, among the strings. This is
-- the order SQLite gives json_extract values, and what declared indexes
-- are built on. It calls built-in functions only, as an index expression
-- should.
--
-- A number's key compares as SQLite compares JSON numbers: an integer that
-- fits int64 exactly, anything else as its float64 (infinite beyond its
-- range). After '1' comes its float64, 'p' and the hex of its IEEE 754 bits
-- from 0 up (which sort as the numbers do) or 'n' and the hex of its
-- magnitude's bits with every digit inverted below 0; then four hex digits,
-- 8000 plus what an integer beyond 2^53 differs from its float64 by (at
-- most 1024 either way), 8000 for everything else.
-- +goose StatementBegin
CREATE FUNCTION hf_key(v jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE jsonb_typeof(v)
	WHEN 'string' THEN '2' || (v #>> '{}')
	WHEN 'number' THEN '1' || CASE
		WHEN abs(v::numeric) <= 2.4703282292062327e-324 THEN 'p0000000000000000'
		WHEN abs(v::numeric) >= 179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792 THEN
			CASE WHEN v::numeric > 0 THEN 'p7ff0000000000000' ELSE 'n800fffffffffffff' END
		WHEN v::numeric > 0 THEN 'p' || encode(float8send(v::float8), 'hex')
		ELSE 'n' || translate(encode(float8send(-v::float8), 'hex'), '0123456789abcdef', 'fedcba9876543210')
	END || CASE
		WHEN abs(v::numeric) < 9007199254740992 OR scale(v::numeric) > 0 OR abs(v::numeric) > 9223372036854775807 THEN '8000'
		ELSE lpad(to_hex(((abs(v::numeric)
			- (4503599627370496 + (('x' || encode(float8send(abs(v::float8)), 'hex'))::bit(64)::bigint & 4503599627370495))::numeric
				* (1::bigint << ((((('x' || encode(float8send(abs(v::float8)), 'hex'))::bit(64)::bigint >> 52) & 2047) - 1075)::int)))
			* sign(v::numeric))::bigint + 32768), 4, '0')
	END
	WHEN 'boolean' THEN CASE WHEN v = 'true'::jsonb THEN '1p3ff00000000000008000' ELSE '1p00000000000000008000' END
	WHEN 'array' THEN '2' || v::text
	WHEN 'object' THEN '2' || v::text
END
$$;
-- +goose StatementEnd

-- hf_float is a JSON number's float64, as SQLite reads one that is not an
-- integer: infinite beyond float64's range, 0 below its smallest value
-- (a cast would fail on both).
-- +goose StatementBegin
CREATE FUNCTION hf_float(n numeric) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
	WHEN abs(n) <= 2.4703282292062327e-324 THEN 0
	WHEN abs(n) >= 179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792 THEN sign(n) * 'Infinity'::float8
	ELSE n::float8
END
$$;
-- +goose StatementEnd

-- hf_textkey is hf_key of the number a text reads as (query.NumericValue:
-- an integer text that fits int64 exactly, anything else by hf_num), or
-- NULL when it reads as none.
-- +goose StatementBegin
CREATE FUNCTION hf_textkey(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET extra_float_digits = 1 AS $$
DECLARE
	f float8;
BEGIN
	IF s ~ '^[+-]?[0-9]+$' AND length(ltrim(ltrim(s, '+-'), '0')) <= 19
		AND s::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
		RETURN hf_key(to_jsonb(s::numeric));
	END IF;
	f := hf_num(s);
	IF f IS NULL THEN
		RETURN NULL;
	END IF;
	RETURN hf_key(to_jsonb(f));
END
$$;
-- +goose StatementEnd

-- hf_numjson is the number a text reads as, as JSON text (what min and max
-- answer for a numeric string), or NULL.
-- +goose StatementBegin
CREATE FUNCTION hf_numjson(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET extra_float_digits = 1 AS $$
BEGIN
	IF s ~ '^[+-]?[0-9]+$' AND length(ltrim(ltrim(s, '+-'), '0')) <= 19
		AND s::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN
		RETURN (s::numeric)::text;
	END IF;
	RETURN to_jsonb(hf_num(s))::text;
END
$$;
-- +goose StatementEnd

-- hf_num is query.NumericString: the number a text reads as (a plain
-- decimal, optionally with an exponent; no spaces, hex, NaN or Inf), or
-- NULL. Out of float64's range is not a number; below its smallest value
-- is 0, as strconv.ParseFloat rounds. (Only `~` tests the shape: regular
-- expressions with captures cost ten times more.)
-- +goose StatementBegin
CREATE FUNCTION hf_num(s text) RETURNS float8
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	e int := greatest(position('e' IN s), position('E' IN s));
	digits text;
	e10 numeric;
	n numeric;
BEGIN
	IF s !~ '^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$' THEN
		RETURN NULL;
	END IF;
	IF e = 0 THEN
		e := length(s) + 1;
	END IF;
	IF translate(left(s, e - 1), '+-.0', '') = '' THEN
		RETURN 0;
	END IF;
	-- numeric takes exponents up to ±1000; beyond, a number is out of
	-- float64's range (or below its smallest value, which reads as 0).
	digits := ltrim(ltrim(substr(s, e + 1), '+-'), '0');
	IF length(digits) > 6 THEN
		RETURN CASE WHEN substr(s, e + 1, 1) = '-' THEN 0 END;
	END IF;
	e10 := CASE WHEN substr(s, e + 1, 1) = '-' THEN -1 ELSE 1 END * coalesce(nullif(digits, '')::numeric, 0);
	IF e10 > 1000 THEN
		RETURN NULL;
	END IF;
	IF e10 < -1000 THEN
		RETURN 0;
	END IF;
	n := s::numeric;
	IF abs(n) >= 179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497792 THEN
		RETURN NULL;
	END IF;
	IF abs(n) <= 2.4703282292062327e-324 THEN
		RETURN 0;
	END IF;
	RETURN n::float8;
END
$$;
-- +goose StatementEnd

-- hf_numtext is query.FormatNumber: a number in JSON notation as Go writes
-- it (the shortest digits that read back; exponent form below 1e-6 and from
-- 1e21, as in "1e-7" and "1e+21").
-- +goose StatementBegin
CREATE FUNCTION hf_numtext(x float8) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE
SET extra_float_digits = 1 AS $$
DECLARE
	t text := abs(x)::text;
	mant text;
	digits text;
	point int;
	sign text := CASE WHEN x < 0 THEN '-' ELSE '' END;
BEGIN
	IF x = 0 THEN
		RETURN '0';
	END IF;
	-- The value is 0.<digits> × 10^point.
	IF position('e' IN t) > 0 THEN
		mant := split_part(t, 'e', 1);
		point := split_part(t, 'e', 2)::int + 1;
		digits := replace(mant, '.', '');
	ELSIF position('.' IN t) > 0 THEN
		digits := split_part(t, '.', 1) || split_part(t, '.', 2);
		point := length(split_part(t, '.', 1));
	ELSE
		digits := t;
		point := length(t);
	END IF;
	point := point - (length(digits) - length(ltrim(digits, '0')));
	digits := rtrim(ltrim(digits, '0'), '0');
	IF point - 1 < -6 OR point - 1 >= 21 THEN
		RETURN sign || left(digits, 1) || CASE WHEN length(digits) > 1 THEN '.' || substr(digits, 2) ELSE '' END
			|| 'e' || CASE WHEN point - 1 < 0 THEN '-' ELSE '+' END || abs(point - 1)::text;
	END IF;
	IF point <= 0 THEN
		RETURN sign || '0.' || repeat('0', -point) || digits;
	END IF;
	IF point >= length(digits) THEN
		RETURN sign || digits || repeat('0', point - length(digits));
	END IF;
	RETURN sign || left(digits, point) || '.' || substr(digits, point + 1);
END
$$;
-- +goose StatementEnd

-- hf_time is query.ParseTime followed by the ordering key storage gives an
-- instant (instantKey in sqlite_funcs.go): Unix seconds shifted by 1e11,
-- zero-padded to 13 digits, '.', 9 digits of nanoseconds; NULL when the
-- text is not a date. Accepted forms, as Go's time.Parse takes them: a
-- date (2024-03-15), or a date, 'T' or ' ', a time with a 1- or 2-digit
-- hour, optional fractional seconds after '.' or ',' (digits past the
-- ninth are dropped) and an optional zone, Z or ±hh:mm (hh ≤ 24, mm ≤ 60).
-- (`~` tests the shape and substr reads the parts: regular expressions
-- with captures cost ten times more.)
-- +goose StatementBegin
CREATE FUNCTION hf_time(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	y int; mo int; d int; h int := 0; mi int := 0; sec int := 0;
	month_days int;
	p int;
	rest text;
	frac text := '';
	n int;
	off int := 0;
	era int; yoe int; doy int; days bigint;
BEGIN
	IF s !~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:[.,][0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?)?$' THEN
		RETURN NULL;
	END IF;
	y := substr(s, 1, 4)::int; mo := substr(s, 6, 2)::int; d := substr(s, 9, 2)::int;
	month_days := CASE
		WHEN mo = 2 THEN CASE WHEN (y % 4 = 0 AND y % 100 <> 0) OR y % 400 = 0 THEN 29 ELSE 28 END
		WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;
	IF mo < 1 OR mo > 12 OR d < 1 OR d > month_days THEN
		RETURN NULL;
	END IF;
	IF length(s) > 10 THEN
		-- p is where the minutes start, after a 1- or 2-digit hour.
		p := CASE WHEN substr(s, 13, 1) = ':' THEN 14 ELSE 15 END;
		h := substr(s, 12, p - 13)::int; mi := substr(s, p, 2)::int; sec := substr(s, p + 3, 2)::int;
		IF h > 23 OR mi > 59 OR sec > 59 THEN
			RETURN NULL;
		END IF;
		rest := substr(s, p + 5);
		IF left(rest, 1) IN ('.', ',') THEN
			n := length(rest) - 1 - length(ltrim(substr(rest, 2), '0123456789'));
			frac := substr(rest, 2, n);
			rest := substr(rest, n + 2);
		END IF;
		IF length(rest) = 6 THEN
			IF substr(rest, 2, 2)::int > 24 OR substr(rest, 5, 2)::int > 60 THEN
				RETURN NULL;
			END IF;
			off := (substr(rest, 2, 2)::int * 3600 + substr(rest, 5, 2)::int * 60) * CASE WHEN left(rest, 1) = '-' THEN -1 ELSE 1 END;
		END IF;
	END IF;
	-- Days since 1970-01-01 of the proleptic Gregorian date (years counted
	-- from 400 so that the arithmetic stays on non-negative numbers).
	y := y - CASE WHEN mo <= 2 THEN 1 ELSE 0 END + 400;
	era := y / 400;
	yoe := y - era * 400;
	doy := (153 * (mo + CASE WHEN mo > 2 THEN -3 ELSE 9 END) + 2) / 5 + d - 1;
	days := era::bigint * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468 - 146097;
	RETURN lpad((days * 86400 + h * 3600 + mi * 60 + sec - off + 100000000000)::text, 13, '0') || '.'
		|| rpad(left(frac, 9), 9, '0');
END
$$;
-- +goose StatementEnd

-- hf_canonical_time says whether a text is a valid time written as
-- query.FormatTime writes it (2024-03-15T10:30:00.000Z); those compare as
-- text in instant order, without hf_time.
-- +goose StatementBegin
CREATE FUNCTION hf_canonical_time(s text) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE WHEN s ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$' THEN
	substr(s, 6, 2)::int BETWEEN 1 AND 12
	AND substr(s, 9, 2)::int BETWEEN 1 AND CASE
		WHEN substr(s, 6, 2) = '02' THEN CASE
			WHEN (substr(s, 1, 4)::int % 4 = 0 AND substr(s, 1, 4)::int % 100 <> 0) OR substr(s, 1, 4)::int % 400 = 0
			THEN 29 ELSE 28 END
		WHEN substr(s, 6, 2) IN ('04', '06', '09', '11') THEN 30 ELSE 31 END
	AND substr(s, 12, 2)::int < 24 AND substr(s, 15, 2)::int < 60 AND substr(s, 18, 2)::int < 60
ELSE false END
$$;
-- +goose StatementEnd

-- hf_json_eq is query.EqualJSON on two JSON values: _eq between an object
-- or array and a composite operand, member by member, where a number equals
-- a string reading as the same number and a boolean the string "true" or
-- "false".
-- +goose StatementBegin
CREATE FUNCTION hf_json_eq(a jsonb, b jsonb) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	ta text := jsonb_typeof(a);
	tb text := jsonb_typeof(b);
	k text;
	v jsonb;
	i int;
BEGIN
	IF ta = 'object' THEN
		IF tb <> 'object' OR (SELECT count(*) FROM jsonb_object_keys(a)) <> (SELECT count(*) FROM jsonb_object_keys(b)) THEN
			RETURN false;
		END IF;
		FOR k, v IN SELECT key, value FROM jsonb_each(a) LOOP
			IF NOT (b ? k) OR NOT hf_json_eq(v, b -> k) THEN
				RETURN false;
			END IF;
		END LOOP;
		RETURN true;
	END IF;
	IF ta = 'array' THEN
		IF tb <> 'array' OR jsonb_array_length(a) <> jsonb_array_length(b) THEN
			RETURN false;
		END IF;
		FOR i IN 0 .. jsonb_array_length(a) - 1 LOOP
			IF NOT hf_json_eq(a -> i, b -> i) THEN
				RETURN false;
			END IF;
		END LOOP;
		RETURN true;
	END IF;
	IF tb IN ('object', 'array') THEN
		RETURN false;
	END IF;
	RETURN coalesce(CASE tb
		WHEN 'string' THEN CASE ta
			WHEN 'string' THEN a = b
			WHEN 'boolean' THEN (a #>> '{}') = (b #>> '{}')
			WHEN 'number' THEN a::float8 = hf_num(b #>> '{}')
			ELSE false END
		WHEN 'number' THEN CASE ta
			WHEN 'number' THEN a::float8 = b::float8
			WHEN 'string' THEN hf_num(a #>> '{}') = b::float8
			ELSE false END
		WHEN 'boolean' THEN CASE ta
			WHEN 'boolean' THEN a = b
			WHEN 'string' THEN (a #>> '{}') = (b #>> '{}')
			ELSE false END
		WHEN 'null' THEN ta = 'null'
	END, false);
END
$$;
-- +goose StatementEnd
