# The two commands of the README's quick start.
.PHONY: run test services-up services-down

run:            ## install and run the server with embedded defaults and demo data
	scripts/run

test:           ## install, start the real test servers, run the whole test suite
	scripts/test

services-up:    ## start PostgreSQL, S3 and Elasticsearch on 127.0.0.1 and print their variables
	python3 scripts/services up && python3 scripts/services env

services-down:
	python3 scripts/services down
