# The OneWindow image: the web app (gunicorn) and the worker share it.
FROM python:3.11-slim-bookworm

RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-chi-sim poppler-utils fonts-wqy-zenhei curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --create-home --home-dir /srv/onewindow onewindow

WORKDIR /srv/onewindow/app
COPY pyproject.toml README.md ./
COPY server ./server
COPY storage ./storage
COPY indexers ./indexers
COPY templates ./templates
RUN pip install --no-cache-dir .

USER onewindow
ENV ONEWINDOW_DATA_DIR=/srv/onewindow/var
EXPOSE 8000
CMD ["sh", "-c", "onewindow migrate && exec gunicorn --bind 0.0.0.0:8000 --workers 4 --threads 4 --timeout 300 'server.wsgi:app'"]
