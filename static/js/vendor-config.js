/* Read by the libraries bundled in Bootstrap Italia, so it loads before the bundle.
   video.js (in the bundle, unused by the pages) would inject <style> elements for its
   default player sizes, which the Content-Security-Policy refuses. */
window.VIDEOJS_NO_DYNAMIC_STYLE = true;
