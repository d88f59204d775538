const fs = require('fs');
console.log(`main says ${process.env.INPUT_WORD}`);
fs.appendFileSync(process.env.GITHUB_STATE, `remember=${process.env.INPUT_WORD}-state\n`);
fs.appendFileSync(process.env.GITHUB_OUTPUT, `said=${process.env.INPUT_WORD}\n`);
