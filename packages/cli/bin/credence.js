#!/usr/bin/env node
// Launcher kept in git with its executable bit, so the `credence` bin works before and
// after builds; the program itself is compiled to dist/ (npm run build).
import '../dist/main.js';
