"""Oversight: activities checked against their authorizations (findings) and the presence assessment of facilities
("is it a foreign base?"). The rules are pure functions over plain data; this app stores their results."""
