console.log(`post remembers ${process.env.STATE_remember}`);
