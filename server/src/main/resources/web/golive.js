// The go-live page: a host publishes camera and microphone to Cuecast over WHIP (RFC 9725), from the
// browser, with no app and no library. The stream key stays in this tab (sessionStorage) and is
// sent only as the Bearer token of the WHIP requests.
(() => {
  'use strict';
  const streamId = decodeURIComponent(location.pathname.split('/').filter(Boolean).pop());
  const endpoint = '/whip/' + encodeURIComponent(streamId);
  const $ = (id) => document.getElementById(id);
  const ui = {
    key: $('key'), camera: $('camera'), microphone: $('microphone'), quality: $('quality'), sound: $('sound'),
    go: $('go'), end: $('end'), state: $('state'), message: $('message'), preview: $('preview'),
    empty: $('preview-empty'), stats: $('stats'), bitrate: $('bitrate'), fps: $('fps'), size: $('size'),
  };
  const QUALITY = {
    480: { width: 854, height: 480, bitrate: 1_200_000 },
    720: { width: 1280, height: 720, bitrate: 2_500_000 },
    1080: { width: 1920, height: 1080, bitrate: 4_500_000 },
  };
  // Reconnects inside the stream's end grace keep viewers on the same playlist.
  const RETRY_DELAYS_MS = [500, 1000, 2000, 4000, 4000];
  let media = null;
  let pc = null;
  let resource = null;
  let wanted = false;
  let attempt = 0;
  let statsTimer = null;
  let lastBytes = 0;
  let lastTime = 0;
  // When the last connection attempt sent its offer, got its answer and connected (performance.now()),
  // for scripts/bench/whip.
  const timings = { offer: 0, answer: 0, connected: 0 };
  window.cuecastGoLive = { timings };

  ui.key.value = sessionStorage.getItem('cuecast.key.' + streamId) || '';

  function setState(text, kind) {
    ui.state.textContent = text;
    ui.state.className = 'pill ' + kind;
    document.body.dataset.state = kind;
  }

  function say(text, ok) {
    ui.message.textContent = text || '';
    ui.message.className = ok ? 'ok' : '';
  }

  async function listDevices() {
    const devices = await navigator.mediaDevices.enumerateDevices();
    for (const [select, kind] of [[ui.camera, 'videoinput'], [ui.microphone, 'audioinput']]) {
      const current = select.value;
      select.replaceChildren(...devices.filter((d) => d.kind === kind).map((d, i) => {
        const o = document.createElement('option');
        o.value = d.deviceId;
        o.textContent = d.label || (kind === 'videoinput' ? 'Camera ' : 'Microphone ') + (i + 1);
        return o;
      }));
      if (current) select.value = current;
    }
  }

  async function openMedia() {
    const q = QUALITY[ui.quality.value];
    const music = ui.sound.value === 'music';
    if (media) media.getTracks().forEach((t) => t.stop());
    media = await navigator.mediaDevices.getUserMedia({
      video: { deviceId: ui.camera.value ? { exact: ui.camera.value } : undefined,
               width: { ideal: q.width }, height: { ideal: q.height }, frameRate: { ideal: 30 } },
      audio: { deviceId: ui.microphone.value ? { exact: ui.microphone.value } : undefined,
               echoCancellation: !music, noiseSuppression: !music, autoGainControl: !music,
               channelCount: music ? 2 : 1 },
    });
    const video = media.getVideoTracks()[0];
    if (video) video.contentHint = 'motion';
    ui.preview.srcObject = media;
    ui.empty.hidden = true;
    await listDevices();
  }

  // H.264 first: every HLS player decodes it without transcoding (Constrained Baseline, then Baseline).
  function preferH264(transceiver) {
    const caps = RTCRtpSender.getCapabilities && RTCRtpSender.getCapabilities('video');
    if (!caps || !transceiver.setCodecPreferences) return true;
    const rank = (c) => {
      if (c.mimeType.toLowerCase() !== 'video/h264' || !/packetization-mode=1/.test(c.sdpFmtpLine || '')) return 9;
      return /profile-level-id=42e0/.test(c.sdpFmtpLine) ? 0 : /profile-level-id=4200/.test(c.sdpFmtpLine) ? 1 : 2;
    };
    const h264 = caps.codecs.filter((c) => rank(c) < 9).sort((a, b) => rank(a) - rank(b));
    if (h264.length === 0) return false;
    const rtx = caps.codecs.filter((c) => c.mimeType.toLowerCase() === 'video/rtx');
    transceiver.setCodecPreferences([...h264, ...rtx]);
    return true;
  }

  async function connect() {
    const q = QUALITY[ui.quality.value];
    pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle' });
    const video = media.getVideoTracks()[0];
    const audio = media.getAudioTracks()[0];
    const vt = pc.addTransceiver(video, { direction: 'sendonly', sendEncodings: [{ maxBitrate: q.bitrate }] });
    if (!preferH264(vt)) throw new Error('This browser cannot send H.264; use Chrome, Edge, Safari or Firefox.');
    const params = vt.sender.getParameters();
    params.degradationPreference = 'maintain-resolution';
    vt.sender.setParameters(params).catch(() => {});
    if (audio) pc.addTransceiver(audio, { direction: 'sendonly' });
    pc.addEventListener('connectionstatechange', onConnectionState);
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    // The server is ICE-lite: it needs none of our candidates, so the offer goes out at once.
    timings.offer = performance.now();
    timings.answer = 0;
    timings.connected = 0;
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/sdp', Authorization: 'Bearer ' + ui.key.value.trim() },
      body: pc.localDescription.sdp,
    });
    if (response.status !== 201) {
      let text = await response.text();
      try { text = JSON.parse(text).error.message; } catch (e) { /* plain text */ }
      const error = new Error(text || ('the server answered ' + response.status));
      error.fatal = response.status === 401 || response.status === 422 || response.status === 400;
      throw error;
    }
    timings.answer = performance.now();
    resource = new URL(response.headers.get('Location'), location.href).href;
    await pc.setRemoteDescription({ type: 'answer', sdp: await response.text() });
  }

  function onConnectionState() {
    if (!pc) return;
    const s = pc.connectionState;
    if (s === 'connected') {
      timings.connected = performance.now();
      attempt = 0;
      setState('Live', 'live');
      say('You are live. Viewers watch at /watch/' + streamId, true);
      ui.stats.hidden = false;
    } else if (s === 'connecting' || s === 'new') {
      setState('Connecting…', 'connecting');
    } else if ((s === 'failed' || s === 'disconnected') && wanted) {
      reconnect('the connection dropped');
    }
  }

  async function hangUp(keepalive) {
    const url = resource;
    resource = null;
    if (pc) {
      pc.removeEventListener('connectionstatechange', onConnectionState);
      pc.close();
      pc = null;
    }
    if (url) {
      try {
        await fetch(url, { method: 'DELETE', keepalive, headers: { Authorization: 'Bearer ' + ui.key.value.trim() } });
      } catch (e) { /* the session times out on the server anyway */ }
    }
  }

  async function reconnect(why) {
    await hangUp(false);
    if (!wanted) return;
    if (attempt >= RETRY_DELAYS_MS.length) {
      stopped('Could not reconnect (' + why + '). Press Go live to try again.', 'error');
      return;
    }
    setState('Reconnecting…', 'connecting');
    say('Reconnecting: ' + why);
    await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt++]));
    if (!wanted) return;
    try {
      await connect();
    } catch (e) {
      if (e.fatal) stopped(e.message, 'error');
      else reconnect(e.message);
    }
  }

  function stopped(text, kind) {
    wanted = false;
    clearInterval(statsTimer);
    ui.go.hidden = false;
    ui.go.disabled = false;
    ui.end.hidden = true;
    ui.stats.hidden = true;
    setState(kind === 'error' ? 'Not live' : 'Offline', kind === 'error' ? 'error' : 'idle');
    say(text, kind !== 'error');
  }

  async function updateStats() {
    if (!pc) return;
    const report = await pc.getStats();
    report.forEach((s) => {
      if (s.type === 'candidate-pair' && s.nominated && s.availableOutgoingBitrate) {
        // The browser's bandwidth estimate (fed by the server's transport-wide feedback).
        ui.stats.dataset.availableKbps = String(Math.round(s.availableOutgoingBitrate / 1000));
      }
      if (s.type === 'outbound-rtp' && s.kind === 'video') {
        if (lastTime) {
          const kbps = Math.round(((s.bytesSent - lastBytes) * 8) / (s.timestamp - lastTime));
          ui.bitrate.textContent = String(Math.max(0, kbps));
        }
        lastBytes = s.bytesSent;
        lastTime = s.timestamp;
        ui.fps.textContent = String(Math.round(s.framesPerSecond || 0));
        ui.size.textContent = s.frameWidth ? s.frameWidth + '×' + s.frameHeight : '';
      }
    });
  }

  ui.go.closest('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!ui.key.value.trim()) {
      say('Paste the stream key first.');
      return;
    }
    sessionStorage.setItem('cuecast.key.' + streamId, ui.key.value.trim());
    ui.go.disabled = true;
    say('');
    try {
      if (!media) await openMedia();
      wanted = true;
      attempt = 0;
      setState('Connecting…', 'connecting');
      await connect();
      ui.go.hidden = true;
      ui.end.hidden = false;
      lastTime = 0;
      clearInterval(statsTimer);
      statsTimer = setInterval(updateStats, 1000);
    } catch (e) {
      await hangUp(false);
      stopped(e.message || String(e), 'error');
    }
  });

  ui.end.addEventListener('click', async () => {
    wanted = false;
    await hangUp(false);
    stopped('Stream ended.', 'idle');
  });

  for (const select of [ui.camera, ui.microphone, ui.quality, ui.sound]) {
    select.addEventListener('change', () => {
      if (!wanted) openMedia().catch((e) => say(e.message));
    });
  }

  window.addEventListener('pagehide', () => {
    if (wanted) {
      wanted = false;
      hangUp(true);
    }
  });

  setState('Offline', 'idle');
  if (navigator.mediaDevices && navigator.mediaDevices.getUserMedia) {
    openMedia().catch((e) => say('Camera or microphone unavailable: ' + e.message));
  } else {
    say('This page needs HTTPS (or localhost) for the camera.');
    ui.go.disabled = true;
  }
})();
