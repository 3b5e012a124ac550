"""ETL: read the public gaokao sources and build data/admissions.duckdb."""
