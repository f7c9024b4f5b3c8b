// Cuecast demo player: plays /hls/{id}/master.m3u8 with hls.js and shows the product card when the
// cue's moment is *played*. hls.js parses emsg/ID3 when a fragment is downloaded, seconds early;
// it also turns each ID3 frame into a cue on a metadata TextTrack timed at the cue's PTS, and
// 'cuechange' on that track fires when playback reaches it. That is what drives the card.
(function () {
  'use strict';
  const streamId = decodeURIComponent(location.pathname.split('/').filter(Boolean)[1] || '');
  const video = document.getElementById('video');
  const card = document.getElementById('card');
  const status = document.getElementById('status');
  const seen = new WeakSet();
  // Observable state for tests and curious developers.
  const state = (window.cuecast = { streamId: streamId, applied: [], shown: null, stalls: 0, playing: false,
                                    fatalErrors: 0, height: 0 });
  const quality = document.getElementById('quality');
  video.addEventListener('playing', function () { state.playing = true; });
  video.addEventListener('waiting', function () { if (state.playing) state.stalls++; });

  function money(price, currency) {
    try {
      return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency }).format(Number(price));
    } catch (e) {
      return price + ' ' + currency;
    }
  }

  function show(cue) {
    const p = cue.product || {};
    card.dataset.cueId = cue.id;
    card.dataset.sku = p.sku || '';
    document.getElementById('card-title').textContent = p.title || p.sku || '';
    document.getElementById('card-price').textContent = p.price ? money(p.price, p.currency) : '';
    const img = document.getElementById('card-image');
    if (p.imageUrl) { img.src = p.imageUrl; img.hidden = false; } else { img.removeAttribute('src'); img.hidden = true; }
    const buy = document.getElementById('card-buy');
    if (p.url) { buy.href = p.url; buy.hidden = false; } else { buy.hidden = true; }
    const badge = document.getElementById('card-badge');
    badge.textContent = p.badge || '';
    badge.hidden = !p.badge;
    card.hidden = false;
    state.shown = cue;
  }

  function hide(sku) {
    if (!sku || card.dataset.sku === sku) {
      card.hidden = true;
      delete card.dataset.cueId;
      delete card.dataset.sku;
      state.shown = null;
    }
  }

  function apply(cue, source, startTime) {
    state.applied.push({ id: cue.id, type: cue.type, payload: cue, source: source, startTime: startTime,
                         playedAt: video.currentTime });
    if (cue.type === 'product.show' || cue.type === 'product.update') {
      show(cue);
    } else if (cue.type === 'product.hide') {
      hide(cue.product && cue.product.sku);
    }
  }

  function watchTrack(track) {
    if (track.kind !== 'metadata') return;
    track.mode = 'hidden';
    track.addEventListener('cuechange', function () {
      const active = track.activeCues || [];
      for (let i = 0; i < active.length; i++) {
        const c = active[i];
        if (seen.has(c)) continue;
        seen.add(c);
        const v = c.value;
        if (v && v.key === 'TXXX' && v.info === 'cuecast' && typeof v.data === 'string') {
          try { apply(JSON.parse(v.data), 'id3', c.startTime); } catch (e) { /* not a cue */ }
        }
      }
    });
  }

  video.textTracks.addEventListener('addtrack', function (e) { watchTrack(e.track); });
  for (let i = 0; i < video.textTracks.length; i++) watchTrack(video.textTracks[i]);

  // A viewer who joins late sees what is on screen now.
  fetch('/streams/' + encodeURIComponent(streamId) + '/state.json')
    .then(function (r) { return r.ok ? r.json() : { products: [] }; })
    .then(function (s) {
      (s.products || []).forEach(function (cue) { if (!state.shown) apply(cue, 'state', null); });
    })
    .catch(function () { /* the stream's cues will still arrive in-band */ });

  const src = '/hls/' + encodeURIComponent(streamId) + '/master.m3u8';
  if (window.Hls && Hls.isSupported()) {
    // A viewer who starts late or falls behind (a stall, a slow first load) plays up to 1.25x until
    // back at the target latency, so product cards stay in step with the host; hls.js's default of
    // 1x left one run sitting 0.5 s behind for good (LowLatencyE2ETest: 2.15 s instead of ~1.6 s).
    const hls = new Hls({ enableID3MetadataCues: true, enableDateRangeMetadataCues: true,
                          maxLiveSyncPlaybackRate: 1.25 });
    hls.on(Hls.Events.MANIFEST_PARSED, function () {
      status.textContent = 'Live';
      // One entry per rendition of the ladder; "Auto" lets hls.js pick by bandwidth.
      while (quality.options.length > 1) quality.remove(1);
      hls.levels.forEach(function (level, i) {
        const o = document.createElement('option');
        o.value = String(i);
        o.textContent = Math.min(level.width, level.height) + 'p · ' + Math.round(level.bitrate / 1000) + ' kbit/s';
        quality.appendChild(o);
      });
      document.getElementById('quality-label').hidden = hls.levels.length < 2;
      video.play().catch(function () {});
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, function (e, data) {
      const level = hls.levels[data.level];
      state.level = data.level;
      status.textContent = 'Live · ' + (level ? Math.min(level.width, level.height) + 'p' : '');
    });
    video.addEventListener('resize', function () { state.height = video.videoHeight; });
    // A smooth switch: the buffer already loaded keeps playing and the new level takes over at the
    // next fragment, so changing quality never rebuffers (-1 hands the choice back to hls.js's ABR).
    quality.addEventListener('change', function () { hls.nextLevel = Number(quality.value); });
    hls.on(Hls.Events.ERROR, function (e, data) {
      if (data.fatal) {
        state.fatalErrors++;
        status.textContent = 'Stream not available (' + data.details + '), retrying…';
        setTimeout(function () { hls.loadSource(src); }, 3000);
      }
    });
    hls.loadSource(src);
    hls.attachMedia(video);
    state.hls = hls;
  } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
    video.src = src; // Safari: native HLS exposes ID3 the same way, as metadata TextTrack cues
    status.textContent = 'Live';
  } else {
    status.textContent = 'This browser cannot play HLS.';
  }
})();
