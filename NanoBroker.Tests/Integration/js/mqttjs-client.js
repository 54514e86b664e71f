// One MQTT.js client (mqtt 5.x) for the integration tests, run as: node mqttjs-client.js '<script JSON>'.
// The script: {"host", "port", "protocol": "mqtt" (default) | "ws" | "wss", "path": "/mqtt", "protocolVersion": 5 | 4 | 3, "protocolId": "MQIsdp" (with 3), "clientId", "clean": true, "keepalive": 30,
//   "properties": {MQTT.js connect properties, e.g. "sessionExpiryInterval": 60},
//   "steps": [
//     {"subscribe": "filter", "qos": 1, "nl": false, "rap": false, "rh": 0, "properties": {"subscriptionIdentifier": 7}},
//     {"publish": "topic", "payload": "text", "qos": 1, "retain": false,
//      "properties": {"userProperties": {"a": "b"}, "contentType": "...", "correlationData": "text", ...}},
//     {"unsubscribe": "filter"},
//     {"messages": N, "seconds": 5},   // waits until N messages in all have arrived
//     {"sleep": 200},                  // milliseconds
//     {"end": true}                    // DISCONNECT now (otherwise it is sent after the last step)
//   ]}
// It prints one JSON line per event on stdout: {"event": "connack", "sessionPresent", "reasonCode", "properties"},
// {"event": "suback", "granted": [...]}, {"event": "unsuback"}, {"event": "published", "topic"},
// {"event": "message", "topic", "payload", "qos", "retain", "properties"} (correlationData as UTF-8 text),
// {"event": "disconnect", "reasonCode", "properties"} (from the broker), {"event": "error", "message"},
// and {"event": "done", "messages": N} last. It exits 0 when every step succeeded, 3 on a timeout, 1 on an error.
'use strict';
const mqtt = require('mqtt');

const script = JSON.parse(process.argv[2]);
const waitLimitMs = 5000;

function say(event) {
  process.stdout.write(JSON.stringify(event) + '\n');
}

// Buffers (correlation data, payloads) as text, so a test compares strings.
function plain(properties) {
  if (!properties) {
    return {};
  }
  const out = {};
  for (const [name, value] of Object.entries(properties)) {
    out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return out;
}

function withBuffers(properties) {
  const out = Object.assign({}, properties || {});
  if (typeof out.correlationData === 'string') {
    out.correlationData = Buffer.from(out.correlationData, 'utf8');
  }
  return out;
}

function within(promise, what, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(Object.assign(new Error('TIMEOUT ' + what), { timeout: true })), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}

async function main() {
  let received = 0;
  let wakeReceiver = null;
  const client = mqtt.connect({
    host: script.host,
    port: script.port,
    protocol: script.protocol || 'mqtt',
    path: script.path,
    rejectUnauthorized: false,
    protocolVersion: script.protocolVersion || 5,
    protocolId: script.protocolId,
    clientId: script.clientId,
    clean: script.clean !== false,
    keepalive: script.keepalive || 30,
    properties: script.properties,
    reconnectPeriod: 0,
    connectTimeout: waitLimitMs,
  });
  client.on('message', (topic, payload, packet) => {
    received++;
    say({ event: 'message', topic, payload: payload.toString('utf8'), qos: packet.qos, retain: packet.retain, properties: plain(packet.properties) });
    if (wakeReceiver) {
      wakeReceiver();
    }
  });
  client.on('disconnect', (packet) => say({ event: 'disconnect', reasonCode: packet.reasonCode, properties: plain(packet.properties) }));

  const connack = await within(new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  }), 'CONNACK', waitLimitMs);
  say({ event: 'connack', sessionPresent: connack.sessionPresent, reasonCode: connack.reasonCode || connack.returnCode || 0, properties: plain(connack.properties) });

  for (const step of script.steps || []) {
    if (step.subscribe !== undefined) {
      const options = { qos: step.qos || 0, nl: !!step.nl, rap: !!step.rap, rh: step.rh || 0 };
      if (step.properties) {
        options.properties = step.properties;
      }
      const granted = await within(client.subscribeAsync(step.subscribe, options), 'SUBACK', waitLimitMs);
      say({ event: 'suback', granted: granted.map((g) => g.qos) });
    } else if (step.unsubscribe !== undefined) {
      await within(client.unsubscribeAsync(step.unsubscribe), 'UNSUBACK', waitLimitMs);
      say({ event: 'unsuback' });
    } else if (step.publish !== undefined) {
      const options = { qos: step.qos || 0, retain: !!step.retain, properties: withBuffers(step.properties) };
      await within(client.publishAsync(step.publish, step.payload || '', options), 'publish acknowledgement', waitLimitMs);
      say({ event: 'published', topic: step.publish });
    } else if (step.messages !== undefined) {
      const seconds = step.seconds || 5;
      await within(new Promise((resolve) => {
        const check = () => { if (received >= step.messages) { wakeReceiver = null; resolve(); } };
        wakeReceiver = check;
        check();
      }), step.messages + ' messages', seconds * 1000);
    } else if (step.sleep !== undefined) {
      await new Promise((resolve) => setTimeout(resolve, step.sleep));
    } else if (step.end) {
      break;
    }
  }
  await within(client.endAsync(), 'DISCONNECT', waitLimitMs);
  say({ event: 'done', messages: received });
}

main().then(() => process.exit(0), (e) => {
  say({ event: 'error', message: String(e && e.message || e) });
  process.exit(e && e.timeout ? 3 : 1);
});
