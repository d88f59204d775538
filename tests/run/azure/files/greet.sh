#!/usr/bin/env bash
echo "greet: $1 and $2"
[ "$1" = "hello" ] && [ "$2" = "two words" ]
