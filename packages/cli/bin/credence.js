#!/usr/bin/env node
// Launcher kept in git with its executable bit, so the `credence` bin works before and
// after builds; the program itself is built by npm run build: compiled to dist/ and
// bundled into bundle/ (rolldown.config.js), which is what runs here.
import '../bundle/main.js';
