-- Up Migration
-- Couriers serve their own areas: a country ("MA") or a city or zone of a country ("MA:Casablanca",
-- "CI:Abidjan-Plateau"). Wave planning gives a wave only to a courier serving its country and zone; a zone no
-- courier serves is reported and left unplanned. An empty list (as before) serves every area.
ALTER TABLE staff ADD COLUMN serves text[] NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE staff DROP COLUMN serves;
