/**
 * Run before `npm run demo`, `npm test`, `npm start` and `npm run dev` (npm's pre-script hooks): stops at once, with
 * the way to get Node 24, when the Node on PATH is older than package.json's `engines.node`. Without it an older Node
 * fails late and obscurely (or, for the demo, silently). Plain CommonJS without modern syntax on purpose: it must run
 * on the old Node versions it is there to refuse.
 */
'use strict';
var path = require('path');

var NODE_VERSION = '24.21.0';

function required() {
  var engines = require(path.join(__dirname, '..', 'package.json')).engines || {};
  var m = /^>=\s*(\d+)(?:\.(\d+))?/.exec(String(engines.node || ''));
  return m ? [Number(m[1]), Number(m[2] || 0)] : [24, 9];
}

function isOldEnough(version, min) {
  var parts = String(version).replace(/^v/, '').split('.');
  var major = Number(parts[0]);
  var minor = Number(parts[1]);
  return major > min[0] || (major === min[0] && minor >= min[1]);
}

function howToGet(platform, arch) {
  var pkg = 'node-' + (platform === 'win32' ? 'win' : platform) + '-' + arch + '@' + NODE_VERSION;
  var dir = '.node/node-v' + NODE_VERSION;
  if (platform === 'win32') return 'install Node ' + NODE_VERSION + ' from https://nodejs.org or with `nvm install 24`';
  return (
    'with nvm: `nvm install 24 && nvm use 24`; without it, into the project (as .ci/run does): ' +
    '`npm pack ' + pkg + ' && mkdir -p ' + dir + ' && tar xzf node-*-' + NODE_VERSION + '.tgz -C ' + dir +
    ' --strip-components=1 && export PATH=$PWD/' + dir + '/bin:$PATH`'
  );
}

function message(version, min, platform, arch) {
  return (
    'This project needs Node.js ' + min[0] + '.' + min[1] + ' or newer, and this is Node ' + version + '; get Node 24 ' +
    howToGet(platform, arch) + ', then run the command again.'
  );
}

module.exports = { isOldEnough: isOldEnough, message: message };

if (require.main === module) {
  var min = required();
  if (!isOldEnough(process.versions.node, min)) {
    process.stderr.write(message(process.versions.node, min, process.platform, process.arch) + '\n');
    process.exit(1);
  }
}
