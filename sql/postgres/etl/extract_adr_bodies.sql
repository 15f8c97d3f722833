SELECT id, name, country FROM adr_bodies
