FROM node:20-latest
FROM localhost:5000/team/app
