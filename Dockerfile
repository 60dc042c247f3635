FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=hardship.settings

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpq5 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 bangfu

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --upgrade pip && pip install .
COPY . .
# The key only exists for the build step; the container gets its own from the environment.
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && mkdir -p /app/var/private && chown -R bangfu:bangfu /app/var

USER bangfu
EXPOSE 8000
CMD ["gunicorn", "hardship.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
