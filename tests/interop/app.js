/* A minimal QuickBlox JS SDK video-calling web app, driven by tests/test_interop.py
 * through headless Chromium (tests/interop/driver.js). Everything it sees is
 * recorded for the test to read: every SDK event in qt.events, and on demand
 * what the user sees and hears (qtMeasure) and the peer connections' SDP and
 * inbound RTP (qtPeers). */
'use strict';

var qt = window.qt = {
  events : [],          // {t, name, sessionID, userId, userInfo, state, ...}
  sessions : {},        // sessionID -> the SDK's WebRTCSession
  pcs : {},             // sessionID -> {userId -> RTCPeerConnection}, kept after the SDK drops them
  remote : {},          // userId -> {stream, video, frames, audio: {...}}
  current : null,       // the session qtAccept/qtReject/qtHangUp act on by default
  autoAnswer : false,   // accept every call at once, in the page (qtAutoAnswer)
  video : true,         // getUserMedia's video constraints for a video call (qtVideo)
  callStartedAt : null, // performance.now() when qtCall was called
  errors : []
};

window.addEventListener('error', function (e) { qt.errors.push(String(e.message)); });

function plain(value) {
  try { return JSON.parse(JSON.stringify(value === undefined ? null : value)); }
  catch (e) { return String(value); }
}

function remember(session) {
  if (!session) return;
  qt.sessions[session.ID] = session;
  var pcs = qt.pcs[session.ID] || (qt.pcs[session.ID] = {});
  Object.keys(session.peerConnections || {}).forEach(function (userId) {
    var peer = session.peerConnections[userId];
    if (peer && peer._pc) pcs[userId] = peer._pc;
  });
}

function record(name, session, fields) {
  remember(session);
  var event = Object.assign({ t: Date.now(), name: name,
                              sessionID: session ? session.ID : null }, plain(fields || {}));
  qt.events.push(event);
  console.log('[qt] ' + JSON.stringify(event));
}

setInterval(function () {
  Object.keys(qt.sessions).forEach(function (id) { remember(qt.sessions[id]); });
}, 200);

/* -- what the user sees and hears ----------------------------------------- */
var audioContext = null;

function watchAudio(entry) {
  var audio = entry.audio = { tracks: entry.stream.getAudioTracks().length,
                              checks: 0, loud: 0, maxLevel: 0 };
  if (!audio.tracks) return;
  try {
    audioContext = audioContext || new AudioContext();
    audioContext.resume();
    var source = audioContext.createMediaStreamSource(new MediaStream(entry.stream.getAudioTracks()));
    var analyser = audioContext.createAnalyser();
    analyser.fftSize = 2048;
    source.connect(analyser);
    var data = new Float32Array(analyser.fftSize);
    entry.audioTimer = setInterval(function () {
      analyser.getFloatTimeDomainData(data);
      var peak = 0;
      for (var i = 0; i < data.length; i++) peak = Math.max(peak, Math.abs(data[i]));
      audio.checks++;
      if (peak > 0.01) audio.loud++;
      audio.maxLevel = Math.max(audio.maxLevel, peak);
    }, 50);
    entry.audioSource = source;
  } catch (e) {
    audio.error = String(e);
  }
}

function showRemote(userId, stream) {
  var entry = qt.remote[userId];
  if (entry && entry.stream === stream) return;
  if (entry) {
    clearInterval(entry.audioTimer);
    entry.video.remove();
  }
  entry = qt.remote[userId]
      = { stream : stream, frames : 0, attached : Date.now(), firstFrameAt : null };
  var video = entry.video = document.createElement('video');
  video.id = 'remote-' + userId;
  video.autoplay = true;
  video.playsInline = true;
  video.muted = true;  // heard through WebAudio below; muted keeps autoplay simple
  video.srcObject = stream;
  document.getElementById('remote').appendChild(video);
  video.play().catch(function (e) { entry.playError = String(e); });
  if (video.requestVideoFrameCallback) {
      var onFrame = function (now) {
        if (!entry.frames++)
          entry.firstFrameAt = now;
        video.requestVideoFrameCallback(onFrame);
      };
      video.requestVideoFrameCallback(onFrame);
  }
  watchAudio(entry);
}

var canvas = null;

/* The picture's mean colour, [r, g, b] 0-255 (null before the first frame). */
function averageRgb(video) {
  if (!video.videoWidth) return null;
  canvas = canvas || document.createElement('canvas');
  canvas.width = 32;
  canvas.height = 24;
  var context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(video, 0, 0, canvas.width, canvas.height);
  var pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
  var sum = [0, 0, 0];
  for (var i = 0; i < pixels.length; i += 4) {
    sum[0] += pixels[i]; sum[1] += pixels[i + 1]; sum[2] += pixels[i + 2];
  }
  var n = pixels.length / 4;
  return sum.map(function (v) { return Math.round(v / n); });
}

/* What each remote user's tile shows and what is heard from them, now. */
window.qtMeasure = function () {
  var result = {};
  Object.keys(qt.remote).forEach(function (userId) {
    var entry = qt.remote[userId], video = entry.video;
    var quality = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality() : {};
    result[userId] = {
      streamId: entry.stream.id,
      videoTracks: entry.stream.getVideoTracks().map(function (t) {
        return { id: t.id, readyState: t.readyState, muted: t.muted }; }),
      audioTracks: entry.stream.getAudioTracks().map(function (t) {
        return { id: t.id, readyState: t.readyState, muted: t.muted }; }),
      readyState: video.readyState,
      videoWidth: video.videoWidth,
      videoHeight: video.videoHeight,
      framesRendered: entry.frames,
      totalVideoFrames: quality.totalVideoFrames || 0,
      averageRgb: averageRgb(video),
      audio: plain(entry.audio),
      playError: entry.playError || null
    };
  });
  return result;
};

/* For each peer connection: both SDPs, every track it receives (and in
 * which stream), and the inbound RTP it counts. */
window.qtPeers = async function () {
  var result = {};
  for (var sessionID of Object.keys(qt.pcs)) {
    for (var userId of Object.keys(qt.pcs[sessionID])) {
      var pc = qt.pcs[sessionID][userId];
      var inbound = [];
      try {
        var report = await pc.getStats();
        report.forEach(function (s) {
          if (s.type === 'inbound-rtp') {
              inbound.push({
                kind : s.kind,
                ssrc : s.ssrc,
                mid : s.mid,
                trackIdentifier : s.trackIdentifier,
                packetsReceived : s.packetsReceived,
                bytesReceived : s.bytesReceived,
                framesDecoded : s.framesDecoded,
                frameWidth : s.frameWidth,
                frameHeight : s.frameHeight,
                totalSamplesReceived : s.totalSamplesReceived,
                audioLevel : s.audioLevel,
                totalAudioEnergy : s.totalAudioEnergy
              });
          }
        });
      } catch (e) {
        inbound.push({ error: String(e) });
      }
      result[sessionID + '/' + userId] = {
        sessionID: sessionID, userId: userId,
        signalingState: pc.signalingState, iceConnectionState: pc.iceConnectionState,
        localSdp: pc.localDescription ? pc.localDescription.sdp : null,
        remoteSdp: pc.remoteDescription ? pc.remoteDescription.sdp : null,
        receivers: pc.getTransceivers().map(function (t) {
          return { mid: t.mid, kind: t.receiver.track.kind, trackId: t.receiver.track.id,
                   direction: t.direction, currentDirection: t.currentDirection };
        }),
        inbound: inbound
      };
    }
  }
  return result;
};

/* -- sign-in and the SDK's listeners -------------------------------------- */
/* cfg: appId, authKey, authSecret, api, chat (domain), websocket, userId,
 * password, and optional webrtc {answerTimeInterval, dialingTimeInterval, ...}. */
window.qtInit = function (cfg) {
  var webrtc = Object.assign({ iceServers: [] }, cfg.webrtc || {});
  QB.init(cfg.appId, cfg.authKey, cfg.authSecret, {
    endpoints: { api: cfg.api, chat: cfg.chat },
    chatProtocol: { active: 2, websocket: cfg.websocket },
    webrtc: webrtc,
    debug: { mode: cfg.debug ? 1 : 0 }
  });

  var w = QB.webrtc;
  w.onCallListener = function (session, userInfo) {
    if (!qt.current || qt.current.state === 5 /* CLOSED */ || !qt.sessions[qt.current.ID]) qt.current = session;
    record('onCallListener', session, { userId: session.initiatorID, userInfo: userInfo,
                                        callType: session.callType,
                                        opponentsIDs: session.opponentsIDs });
    if (qt.autoAnswer)
      qtAccept ({}, session.ID).catch(function (e) {
        qt.errors.push(String (e));
      });
  };
  w.onAcceptCallListener = function (session, userId, userInfo) {
    record('onAcceptCallListener', session, { userId: userId, userInfo: userInfo });
  };
  w.onRejectCallListener = function (session, userId, userInfo) {
    record('onRejectCallListener', session, { userId: userId, userInfo: userInfo });
  };
  w.onStopCallListener = function (session, userId, userInfo) {
    record('onStopCallListener', session, { userId: userId, userInfo: userInfo });
  };
  w.onUpdateCallListener = function (session, userId, userInfo) {
    record('onUpdateCallListener', session, { userId: userId, userInfo: userInfo });
  };
  w.onUserNotAnswerListener = function (session, userId) {
    record('onUserNotAnswerListener', session, { userId: userId });
  };
  w.onRemoteStreamListener = function (session, userId, stream) {
    record('onRemoteStreamListener', session, {
      userId: userId, streamId: stream ? stream.id : null,
      audioTracks: stream ? stream.getAudioTracks().length : 0,
      videoTracks: stream ? stream.getVideoTracks().length : 0 });
    if (stream) showRemote(userId, stream);
  };
  w.onSessionConnectionStateChangedListener = function (session, userId, state) {
    var names = Object.keys(w.SessionConnectionState);
    record('onSessionConnectionStateChangedListener', session, {
      userId: userId, state: names.find(function (n) { return w.SessionConnectionState[n] === state; }) || state });
  };
  w.onSessionCloseListener = function (session) {
    record('onSessionCloseListener', session, {});
  };
  w.onInvalidEventsListener = function (name, session, userId, userInfo) {
    record('onInvalidEventsListener', typeof session === 'object' ? session : null, {
      event: name, userId: userId, userInfo: userInfo,
      session: typeof session === 'object' ? null : session });
  };
  w.onReconnectListener = function (session, userId, state) {
    record('onReconnectListener', session, { userId: userId, state: state });
  };

  return new Promise(function (resolve, reject) {
    QB.chat.connect({ userId: cfg.userId, password: cfg.password }, function (error) {
      if (error) reject(new Error('chat connect: ' + JSON.stringify(error)));
      else resolve(QB.chat.connection.jid);
    });
  });
};

function withMedia(session, callType) {
  return new Promise (function (resolve, reject) {
    session.getUserMedia({
      audio : true,
      video : callType === 1 && qt.video,
      elemId : 'local',
      options : { muted : true }
    },
                         function (error, stream) {
                           if (error)
                             reject (new Error ('getUserMedia: ' + error));
                           else
                             resolve (stream);
                         });
  });
}

function findSession(sessionID) {
  var session = sessionID ? qt.sessions[sessionID] : qt.current;
  if (!session) throw new Error('no session ' + (sessionID || '(current)'));
  return session;
}

/* Calls @opponentIds (numbers); @type 1 video, 2 audio; @bandwidth: the
 * SDK's limit in kbit/s (0 or absent: none). Returns the session id. */
window.qtCall = async function (opponentIds, type, userInfo, bandwidth) {
  qt.callStartedAt = performance.now();
  var session = QB.webrtc.createNewSession(opponentIds, type || 1, null,
                                           bandwidth ? { bandwidth : bandwidth } : undefined);
  qt.current = session;
  remember(session);
  await withMedia(session, type || 1);
  session.call(userInfo || {});
  record('call', session, { opponentsIDs: opponentIds, userInfo: userInfo || {} });
  return session.ID;
};

window.qtAccept = async function (userInfo, sessionID) {
  var session = findSession(sessionID);
  await withMedia(session, session.callType);
  session.accept(userInfo || {});
  record('accept', session, { userInfo: userInfo || {} });
  return session.ID;
};

window.qtReject = function (userInfo, sessionID) {
  var session = findSession(sessionID);
  session.reject(userInfo || {});
  record('reject', session, { userInfo: userInfo || {} });
  return session.ID;
};

window.qtHangUp = function (userInfo, sessionID) {
  var session = findSession(sessionID);
  session.stop(userInfo || {});
  record('hangUp', session, { userInfo: userInfo || {} });
  return session.ID;
};

window.qtEvents = function () { return qt.events; };

/* The camera's constraints for the next calls, e.g. {width: 1280, height: 720}. */
window.qtVideo = function (constraints) {
  qt.video = constraints || true;
};

/* Accept every call as it comes, without a round trip to the test. */
window.qtAutoAnswer = function (on) {
  qt.autoAnswer = on;
};

/* For the benchmark: when the last qtCall was called and when each remote
 * user's <video> presented its first frame, in ms since the epoch
 * (performance.timeOrigin + now: comparable between pages). @forget drops
 * the remote users, ready for the next call. */
window.qtFirstFrames = function (forget) {
  var frames = {};
  Object.keys(qt.remote).forEach(function (userId) {
    var at = qt.remote[userId].firstFrameAt;
    frames[userId] = at === null ? null : performance.timeOrigin + at;
  });
  if (forget)
    {
      Object.keys(qt.remote).forEach(function (userId) {
        clearInterval (qt.remote[userId].audioTimer);
        qt.remote[userId].video.remove();
      });
      qt.remote = {};
    }
  return {
    callStartedAt : qt.callStartedAt === null ? null : performance.timeOrigin + qt.callStartedAt,
    frames : frames
  };
};
window.qtSessionState = function (sessionID) { return findSession(sessionID).state; };
