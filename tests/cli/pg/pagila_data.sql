-- Data for the Pagila schema ($DB_TESTDATA/pagila/pagila-schema.sql), made up
-- with generate_series: a few hundred rows that respect every foreign key,
-- cover the film table's enum, domain, array and tsvector columns and the
-- film_embedding vector(20) column. Deterministic (setseed), so two loads
-- give the same rows. Load after the schema:
--   psql -v ON_ERROR_STOP=1 -d DB -f pagila-schema.sql -f pagila_data.sql
SET search_path = public;
SELECT setseed(0.42);

INSERT INTO language (language_id, name, last_update)
SELECT i, (ARRAY['English', 'Italian', 'Japanese', 'Mandarin', 'French', 'German'])[i],
       timestamptz '2022-02-15 10:02:19+00'
FROM generate_series(1, 6) AS i;

INSERT INTO category (category_id, name, last_update)
SELECT i, 'Category ' || i, timestamptz '2022-02-15 10:02:19+00' + i * interval '1 second'
FROM generate_series(1, 16) AS i;

INSERT INTO actor (actor_id, first_name, last_name, last_update)
SELECT i, 'First' || i, 'Last ' || chr(65 + i % 26) || i,
       timestamptz '2022-02-15 09:34:33.123456+00' + i * interval '1 minute'
FROM generate_series(1, 200) AS i;

INSERT INTO country (country_id, country, last_update)
SELECT i, 'Country ' || i, timestamptz '2022-02-15 09:44:00+00'
FROM generate_series(1, 20) AS i;

INSERT INTO city (city_id, city, country_id, last_update)
SELECT i, 'City ' || i, 1 + i % 20, timestamptz '2022-02-15 09:45:25+00'
FROM generate_series(1, 50) AS i;

INSERT INTO address (address_id, address, address2, district, city_id, postal_code, phone, last_update)
SELECT i, i || ' Main Street', CASE WHEN i % 3 = 0 THEN NULL ELSE 'Apt ' || i END,
       'District ' || i % 7, 1 + i % 50,
       CASE WHEN i % 5 = 0 THEN NULL ELSE lpad((i * 137)::text, 5, '0') END,
       '555-' || lpad(i::text, 4, '0'), timestamptz '2022-02-15 09:45:30+00'
FROM generate_series(1, 100) AS i;

INSERT INTO film (film_id, title, description, release_year, language_id, original_language_id,
                  rental_duration, rental_rate, length, replacement_cost, rating, last_update,
                  special_features, fulltext)
SELECT i, 'FILM TITLE ' || i, 'A thoughtful story of film ' || i || ' and a dog',
       1990 + i % 30, 1 + i % 6, CASE WHEN i % 4 = 0 THEN 1 + (i + 1) % 6 END,
       3 + i % 5, (ARRAY[0.99, 2.99, 4.99])[1 + i % 3], CASE WHEN i % 10 = 0 THEN NULL ELSE 46 + i END,
       9.99 + i % 20, (enum_range(NULL::mpaa_rating))[1 + i % 5],
       timestamptz '2022-09-10 16:46:03.905795+00',
       CASE i % 4 WHEN 0 THEN ARRAY['Trailers', 'Deleted Scenes']
                  WHEN 1 THEN ARRAY['Commentaries']
                  WHEN 2 THEN NULL
                  ELSE ARRAY['Behind the Scenes', 'Trailers', 'Commentaries'] END,
       to_tsvector('english', 'FILM TITLE ' || i || ' A thoughtful story of film ' || i || ' and a dog')
FROM generate_series(1, 100) AS i;

INSERT INTO film_actor (actor_id, film_id, last_update)
SELECT a, f, timestamptz '2022-02-15 10:05:03+00'
FROM generate_series(1, 100) AS f, generate_series(1, 200) AS a
WHERE (a + f) % 37 = 0;

INSERT INTO film_category (film_id, category_id, last_update)
SELECT f, 1 + f % 16, timestamptz '2022-02-15 10:07:09+00'
FROM generate_series(1, 100) AS f;

INSERT INTO film_embedding (film_id, embedding, last_update)
SELECT f, (SELECT array_agg(random()::real ORDER BY d) FROM generate_series(1, 20) AS d WHERE f > 0)::vector(20),
       timestamptz '2023-03-01 12:00:00+00'
FROM generate_series(1, 100) AS f;

-- store.manager_staff_id has no foreign key; staff.store_id does.
INSERT INTO store (store_id, manager_staff_id, address_id, last_update)
VALUES (1, 1, 1, '2022-02-15 09:57:12+00'), (2, 2, 2, '2022-02-15 09:57:12+00');

INSERT INTO staff (staff_id, first_name, last_name, address_id, email, store_id, active,
                   username, password, last_update, picture)
VALUES (1, 'Mike', 'Hillyer', 3, 'Mike.Hillyer@sakilastaff.com', 1, true, 'Mike',
        '8cb2237d0679ca88db6464eac60da96345513964', '2022-05-16 16:13:11.79328+00',
        '\x89504e470d0a1a0a00'),
       (2, 'Jon', 'Stephens', 4, NULL, 2, false, 'Jon', NULL, '2022-05-16 16:13:11.79328+00', NULL);

INSERT INTO customer (customer_id, store_id, first_name, last_name, email, address_id, activebool,
                      create_date, last_update, active, uuid)
SELECT i, 1 + i % 2, 'CUSTOMER' || i, 'SURNAME' || i,
       CASE WHEN i % 9 = 0 THEN NULL ELSE 'customer' || i || '@example.org' END,
       5 + i % 96, i % 11 <> 0, date '2022-02-14' + i % 30, timestamptz '2022-02-15 09:57:20+00',
       i % 2, md5('customer' || i)::uuid
FROM generate_series(1, 60) AS i;

INSERT INTO inventory (inventory_id, film_id, store_id, last_update)
SELECT i, 1 + i % 100, 1 + i % 2, timestamptz '2022-02-15 10:09:17+00'
FROM generate_series(1, 150) AS i;

INSERT INTO rental (rental_id, rental_date, inventory_id, customer_id, return_date, staff_id,
                    last_update, uuid)
SELECT i, timestamptz '2022-01-01 10:00:00+00' + i * interval '17 hours 3 minutes 7.25 seconds',
       1 + i % 150, 1 + i % 60,
       CASE WHEN i % 8 = 0 THEN NULL
            ELSE timestamptz '2022-01-03 10:00:00+00' + i * interval '17 hours 3 minutes' END,
       1 + i % 2, timestamptz '2022-02-16 02:30:53+00', md5('rental' || i)::uuid
FROM generate_series(1, 200) AS i;

-- Every payment falls in the first half of 2022: the partitions that carry
-- foreign keys (payment_p2022_01 .. 06).
INSERT INTO payment (payment_id, customer_id, staff_id, rental_id, amount, payment_date, uuid)
SELECT i, 1 + i % 60, 1 + i % 2, 1 + i % 200, (i % 12) + 0.99,
       timestamptz '2022-01-01 00:00:00+00' + i * interval '16 hours 31 minutes 1.5 seconds',
       md5('payment' || i)::uuid
FROM generate_series(1, 250) AS i;

SELECT setval('actor_actor_id_seq', 200);
SELECT setval('address_address_id_seq', 100);
SELECT setval('category_category_id_seq', 16);
SELECT setval('city_city_id_seq', 50);
SELECT setval('country_country_id_seq', 20);
SELECT setval('customer_customer_id_seq', 60);
SELECT setval('film_film_id_seq', 100);
SELECT setval('inventory_inventory_id_seq', 150);
SELECT setval('language_language_id_seq', 6);
SELECT setval('payment_payment_id_seq', 250);
SELECT setval('rental_rental_id_seq', 200);
SELECT setval('staff_staff_id_seq', 2);
SELECT setval('store_store_id_seq', 2);
