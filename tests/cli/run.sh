#!/bin/sh
# Placeholder: the command-line golden tests land with the CLI.
exit 0
