"""The data package: schemas, validation, the fast typed reader, reference units, synthesis."""
