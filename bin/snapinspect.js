#!/usr/bin/env node
import '../dist/snapinspect.mjs';
