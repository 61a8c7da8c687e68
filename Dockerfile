# Keeper: one image for the web server, the Celery worker and beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.lock ./
RUN pip install --require-hashes -r requirements.lock

COPY . .
# collectstatic needs a key to import the settings; this one is never used to sign anything.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --noinput

RUN useradd --system --uid 1000 keeper
USER keeper
EXPOSE 8000
CMD ["gunicorn", "keeper.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
