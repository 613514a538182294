/**
 * One warm Lambda container for `npm run bench:org`: a node child process that sets the function's
 * environment, loads the bundled handler once (as Lambda's init phase does) and then handles
 * invocations one after another. Plain JavaScript, so no TypeScript loader sits in the measured memory.
 *
 * Messages in: { type: 'init', entry, exported, environment } then { type: 'invoke', id, event }.
 * Messages out: { type: 'ready', initMs, rss } and { type: 'done', id, ok, result | error, durationMs, peakRss, maxRss, cpuMs }.
 */
import { pathToFileURL } from 'node:url';

let handler;
let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 25);
sampler.unref();

process.on('message', async (message) => {
  if (message.type === 'exit') process.exit(0);
  if (message.type === 'init') {
    const started = performance.now();
    Object.assign(process.env, message.environment);
    const module = await import(pathToFileURL(message.entry).href);
    handler = module[message.exported];
    if (typeof handler !== 'function') throw new Error(`the bundle exports no ${message.exported}`);
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const cpu = process.cpuUsage();
    process.send({
      type: 'ready',
      initMs: performance.now() - started,
      rss: peakRss,
      cpuMs: (cpu.user + cpu.system) / 1000,
    });
    return;
  }
  if (message.type === 'invoke') {
    const started = performance.now();
    let reply;
    try {
      reply = { ok: true, result: await handler(message.event) };
    } catch (error) {
      reply = { ok: false, error: `${error?.name ?? 'Error'}: ${error?.message ?? String(error)}` };
    }
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    process.send({
      type: 'done',
      id: message.id,
      ...reply,
      durationMs: performance.now() - started,
      peakRss,
      maxRss: process.resourceUsage().maxRSS * 1024,
      cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    });
  }
});
