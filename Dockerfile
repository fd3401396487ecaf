# The OneWindow image: the web app (gunicorn) and the worker share it.

# The native tokeniser (indexers/native, Rust) as a wheel; the app falls back to Python without it.
FROM rust:1-slim-bookworm AS native
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/maturin && /opt/maturin/bin/pip install --no-cache-dir "maturin>=1.5,<2"
COPY indexers/native /src/native
RUN /opt/maturin/bin/maturin build --release -i python3 -m /src/native/Cargo.toml -o /wheels

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
COPY --from=native /wheels /tmp/wheels
RUN pip install --no-cache-dir . /tmp/wheels/*.whl && rm -rf /tmp/wheels

USER onewindow
ENV ONEWINDOW_DATA_DIR=/srv/onewindow/var
EXPOSE 8000
# `serve` is gunicorn too, and first migrates, sweeps what a killed write left and queues a reconciliation.
CMD ["onewindow", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "4", "--threads", "4"]
