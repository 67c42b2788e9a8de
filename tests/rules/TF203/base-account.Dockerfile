FROM node:20-bookworm
USER node
