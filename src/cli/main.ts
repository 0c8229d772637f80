#!/usr/bin/env node
import { ignoreClosedReader, main } from "./run.js";

ignoreClosedReader(process.stdout);
ignoreClosedReader(process.stderr);
main(process.argv).then((code) => {
  process.exitCode = code;
});
