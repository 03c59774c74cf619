# syntax=docker/dockerfile:1
# The Ocim Portal as a container image, used by docker-compose.yml. Nothing else in the repository depends on Docker:
# ./portal run and ./portal test work without it.

# ---------------------------------------------------------------- build
# .NET 10 images are Ubuntu 24.04 ("noble"); its nodejs/npm packages are enough for the `npm ci` the build runs
# (src/Ocim.Portal/FrontEnd.targets copies the front-end libraries into wwwroot/lib).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Cache mounts keep NuGet and npm downloads between builds without tying a restore layer to today's file list.
RUN --mount=type=cache,id=ocim-nuget,target=/root/.nuget/packages \
    --mount=type=cache,id=ocim-npm,target=/root/.npm \
    dotnet publish src/Ocim.Portal -c Release -o /app

# ---------------------------------------------------------------- runtime
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl: for the health check in docker-compose.yml (the aspnet image has neither curl nor wget).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Owned by root and read-only for the app's user: the app writes nothing into its own folder.
COPY --from=build /app ./
# The open data the seed command loads (territories, populations, EPCI) and its licences.
COPY data/ /app/data/
# Data Protection keys (antiforgery, sign-in cookies): the one folder the app writes, a volume in docker-compose.yml,
# so that a new container keeps people signed in and open forms valid.
RUN mkdir -p /app/keys && chown "$APP_UID" /app/keys && chmod 700 /app/keys
ENV Portal__DataDirectory=/app/data \
    Portal__KeysDirectory=/app/keys \
    ASPNETCORE_URLS=http://0.0.0.0:8080 \
    PORTAL_LOG_FORMAT=json
# Non-root: the `app` user (UID 1654) that the .NET images provide.
USER $APP_UID
EXPOSE 8080
# Apply migrations and load what is missing (a few minutes the first time), then serve. `exec` makes the server
# the container's main process, so `docker stop` reaches it. The seed exits non-zero on failure: nothing is served.
CMD ["/bin/sh", "-c", "dotnet Ocim.Portal.dll seed && exec dotnet Ocim.Portal.dll"]
