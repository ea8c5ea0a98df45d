/** Registers every component; import this once before reading the registry. */
import './auth/apiKey.js';
import './auth/bearer.js';
import './auth/oauth2.js';
import './auth/composio.js';
import './pagination/cursor.js';
import './pagination/nextUrl.js';
import './pagination/offset.js';
import './pagination/none.js';
import './verifiers/hubspotV3.js';
import './verifiers/basicAuth.js';
import './verifiers/none.js';
import './sources/poll.js';
import './sources/table.js';
import './sources/webhook.js';
import './transforms/jsonata.js';
import './transforms/filter.js';
import './matchers/index.js';
