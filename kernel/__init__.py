"""What every case type shares, ordered so foreign keys point down: the case kernel and addresses,
organisations, notifications and boundaries, geo (SRIDs, coordinates), core (domain errors)."""
