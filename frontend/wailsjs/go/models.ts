export namespace app {
	
	export class Info {
	    version: string;
	    mode: string;
	    dataDir: string;
	    database: string;
	    apiUrl: string;
	    portNote?: string;
	    schemaVersion: number;
	
	    static createFrom(source: any = {}) {
	        return new Info(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.version = source["version"];
	        this.mode = source["mode"];
	        this.dataDir = source["dataDir"];
	        this.database = source["database"];
	        this.apiUrl = source["apiUrl"];
	        this.portNote = source["portNote"];
	        this.schemaVersion = source["schemaVersion"];
	    }
	}

}

export namespace auth {
	
	export class KeySet {
	    readWrite: string;
	    readOnly: string;
	    pinned: boolean;
	
	    static createFrom(source: any = {}) {
	        return new KeySet(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.readWrite = source["readWrite"];
	        this.readOnly = source["readOnly"];
	        this.pinned = source["pinned"];
	    }
	}

}

export namespace dbconfig {
	
	export class TestResult {
	    url: string;
	    serverVersion: string;
	    schema: string;
	    schemaVersion: number;
	    knownVersion: number;
	    otherTables: number;
	
	    static createFrom(source: any = {}) {
	        return new TestResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.serverVersion = source["serverVersion"];
	        this.schema = source["schema"];
	        this.schemaVersion = source["schemaVersion"];
	        this.knownVersion = source["knownVersion"];
	        this.otherTables = source["otherTables"];
	    }
	}
	export class View {
	    engine: string;
	    location: string;
	    source: string;
	    pinnedBy: string;
	    file: string;
	    saved: string;
	    restartNeeded: boolean;
	    next: string;
	
	    static createFrom(source: any = {}) {
	        return new View(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.engine = source["engine"];
	        this.location = source["location"];
	        this.source = source["source"];
	        this.pinnedBy = source["pinnedBy"];
	        this.file = source["file"];
	        this.saved = source["saved"];
	        this.restartNeeded = source["restartNeeded"];
	        this.next = source["next"];
	    }
	}

}

export namespace delivery {
	
	export class Header {
	    name: string;
	    value: string;
	
	    static createFrom(source: any = {}) {
	        return new Header(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.value = source["value"];
	    }
	}
	export class LogResponse {
	    status: number;
	    headers: Header[];
	    body: string;
	    bodyTruncated: boolean;
	    headersTruncated: boolean;
	    durationMs: number;
	
	    static createFrom(source: any = {}) {
	        return new LogResponse(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.headers = this.convertValues(source["headers"], Header);
	        this.body = source["body"];
	        this.bodyTruncated = source["bodyTruncated"];
	        this.headersTruncated = source["headersTruncated"];
	        this.durationMs = source["durationMs"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogAttempt {
	    n: number;
	    // Go type: time
	    startedAt: any;
	    durationMs: number;
	    outcome: string;
	    error: string;
	    requestHeaders: Header[];
	    response?: LogResponse;
	    // Go type: time
	    nextAttemptAt?: any;
	
	    static createFrom(source: any = {}) {
	        return new LogAttempt(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.n = source["n"];
	        this.startedAt = this.convertValues(source["startedAt"], null);
	        this.durationMs = source["durationMs"];
	        this.outcome = source["outcome"];
	        this.error = source["error"];
	        this.requestHeaders = this.convertValues(source["requestHeaders"], Header);
	        this.response = this.convertValues(source["response"], LogResponse);
	        this.nextAttemptAt = this.convertValues(source["nextAttemptAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogRequest {
	    method: string;
	    url: string;
	    headers: Header[];
	    body: string;
	
	    static createFrom(source: any = {}) {
	        return new LogRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.method = source["method"];
	        this.url = source["url"];
	        this.headers = this.convertValues(source["headers"], Header);
	        this.body = source["body"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogDetail {
	    id: string;
	    webhookId: string;
	    status: string;
	    action: string;
	    contentTypeName: string;
	    objectId: string;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	    attempts: number;
	    responseCode: number;
	    error: string;
	    // Go type: time
	    nextAttemptAt?: any;
	    verdict?: string;
	    maxAttempts?: number;
	    test?: boolean;
	    redeliveryOf?: string;
	    messageId: string;
	    request: LogRequest;
	    response?: LogResponse;
	    history: LogAttempt[];
	
	    static createFrom(source: any = {}) {
	        return new LogDetail(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.webhookId = source["webhookId"];
	        this.status = source["status"];
	        this.action = source["action"];
	        this.contentTypeName = source["contentTypeName"];
	        this.objectId = source["objectId"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	        this.attempts = source["attempts"];
	        this.responseCode = source["responseCode"];
	        this.error = source["error"];
	        this.nextAttemptAt = this.convertValues(source["nextAttemptAt"], null);
	        this.verdict = source["verdict"];
	        this.maxAttempts = source["maxAttempts"];
	        this.test = source["test"];
	        this.redeliveryOf = source["redeliveryOf"];
	        this.messageId = source["messageId"];
	        this.request = this.convertValues(source["request"], LogRequest);
	        this.response = this.convertValues(source["response"], LogResponse);
	        this.history = this.convertValues(source["history"], LogAttempt);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class LogFilter {
	    status: string;
	    webhookId: string;
	    contentType: string;
	    action: string;
	    objectId: string;
	    responseCode: number;
	    // Go type: time
	    since?: any;
	    // Go type: time
	    until?: any;
	    q: string;
	
	    static createFrom(source: any = {}) {
	        return new LogFilter(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.webhookId = source["webhookId"];
	        this.contentType = source["contentType"];
	        this.action = source["action"];
	        this.objectId = source["objectId"];
	        this.responseCode = source["responseCode"];
	        this.since = this.convertValues(source["since"], null);
	        this.until = this.convertValues(source["until"], null);
	        this.q = source["q"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	
	
	export class LogSummary {
	    id: string;
	    webhookId: string;
	    status: string;
	    action: string;
	    contentTypeName: string;
	    objectId: string;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	    attempts: number;
	    responseCode: number;
	    error: string;
	    // Go type: time
	    nextAttemptAt?: any;
	    verdict?: string;
	    maxAttempts?: number;
	    test?: boolean;
	    redeliveryOf?: string;
	
	    static createFrom(source: any = {}) {
	        return new LogSummary(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.webhookId = source["webhookId"];
	        this.status = source["status"];
	        this.action = source["action"];
	        this.contentTypeName = source["contentTypeName"];
	        this.objectId = source["objectId"];
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	        this.attempts = source["attempts"];
	        this.responseCode = source["responseCode"];
	        this.error = source["error"];
	        this.nextAttemptAt = this.convertValues(source["nextAttemptAt"], null);
	        this.verdict = source["verdict"];
	        this.maxAttempts = source["maxAttempts"];
	        this.test = source["test"];
	        this.redeliveryOf = source["redeliveryOf"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class RetryResult {
	    matched: number;
	    queued: number;
	    ids: string[];
	
	    static createFrom(source: any = {}) {
	        return new RetryResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.matched = source["matched"];
	        this.queued = source["queued"];
	        this.ids = source["ids"];
	    }
	}

}

export namespace demo {
	
	export class Result {
	    types: string[];
	    objects: number;
	    inbox: string;
	    webhookId: string;
	    syncWebhookId: string;
	    syncInbox: string;
	    note: string;
	
	    static createFrom(source: any = {}) {
	        return new Result(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.types = source["types"];
	        this.objects = source["objects"];
	        this.inbox = source["inbox"];
	        this.webhookId = source["webhookId"];
	        this.syncWebhookId = source["syncWebhookId"];
	        this.syncInbox = source["syncInbox"];
	        this.note = source["note"];
	    }
	}

}

export namespace inbox {
	
	export class Inbox {
	    name: string;
	    status: number;
	    headers: {[key: string]: string};
	    body: string;
	    delayMs: number;
	    failFirst: number;
	    failRate: number;
	    failSeed: number;
	    failStatus: number;
	    secret: string;
	    syncMode: string;
	    syncErrors: {[key: string]: string[]};
	    syncPatch: {[key: string]: any};
	    received: number;
	    requestCount: number;
	    // Go type: time
	    lastRequestAt?: any;
	    // Go type: time
	    createdAt: any;
	    // Go type: time
	    updatedAt: any;
	
	    static createFrom(source: any = {}) {
	        return new Inbox(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.headers = source["headers"];
	        this.body = source["body"];
	        this.delayMs = source["delayMs"];
	        this.failFirst = source["failFirst"];
	        this.failRate = source["failRate"];
	        this.failSeed = source["failSeed"];
	        this.failStatus = source["failStatus"];
	        this.secret = source["secret"];
	        this.syncMode = source["syncMode"];
	        this.syncErrors = source["syncErrors"];
	        this.syncPatch = source["syncPatch"];
	        this.received = source["received"];
	        this.requestCount = source["requestCount"];
	        this.lastRequestAt = this.convertValues(source["lastRequestAt"], null);
	        this.createdAt = this.convertValues(source["createdAt"], null);
	        this.updatedAt = this.convertValues(source["updatedAt"], null);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}
	export class Input {
	    name: string;
	    status?: number;
	    headers?: {[key: string]: string};
	    body: string;
	    delayMs: number;
	    failFirst: number;
	    failRate: number;
	    failSeed?: number;
	    failStatus?: number;
	    secret: string;
	    syncMode: string;
	    syncErrors?: {[key: string]: string[]};
	    syncPatch?: {[key: string]: any};
	
	    static createFrom(source: any = {}) {
	        return new Input(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.status = source["status"];
	        this.headers = source["headers"];
	        this.body = source["body"];
	        this.delayMs = source["delayMs"];
	        this.failFirst = source["failFirst"];
	        this.failRate = source["failRate"];
	        this.failSeed = source["failSeed"];
	        this.failStatus = source["failStatus"];
	        this.secret = source["secret"];
	        this.syncMode = source["syncMode"];
	        this.syncErrors = source["syncErrors"];
	        this.syncPatch = source["syncPatch"];
	    }
	}
	export class ReplayResult {
	    url: string;
	    status: number;
	    headers: {[key: string]: string[]};
	    body: string;
	    bodyEncoding: string;
	    truncated: boolean;
	    durationMs: number;
	    error?: string;
	
	    static createFrom(source: any = {}) {
	        return new ReplayResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.url = source["url"];
	        this.status = source["status"];
	        this.headers = source["headers"];
	        this.body = source["body"];
	        this.bodyEncoding = source["bodyEncoding"];
	        this.truncated = source["truncated"];
	        this.durationMs = source["durationMs"];
	        this.error = source["error"];
	    }
	}
	export class Response {
	    status: number;
	    headers: {[key: string]: string};
	    body: string;
	    delayMs: number;
	
	    static createFrom(source: any = {}) {
	        return new Response(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.status = source["status"];
	        this.headers = source["headers"];
	        this.body = source["body"];
	        this.delayMs = source["delayMs"];
	    }
	}
	export class Request {
	    id: string;
	    inbox: string;
	    n: number;
	    number: number;
	    summary: string;
	    method: string;
	    path: string;
	    query: string;
	    contentType: string;
	    bodySize: number;
	    truncated: boolean;
	    remoteAddr: string;
	    // Go type: time
	    receivedAt: any;
	    signature: string;
	    signatureReason: string;
	    responseStatus: number;
	    failure: string;
	    abandonedAfterMs?: number;
	    headers: {[key: string]: string[]};
	    body: string;
	    bodyEncoding: string;
	    roll: number;
	    response: Response;
	
	    static createFrom(source: any = {}) {
	        return new Request(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.id = source["id"];
	        this.inbox = source["inbox"];
	        this.n = source["n"];
	        this.number = source["number"];
	        this.summary = source["summary"];
	        this.method = source["method"];
	        this.path = source["path"];
	        this.query = source["query"];
	        this.contentType = source["contentType"];
	        this.bodySize = source["bodySize"];
	        this.truncated = source["truncated"];
	        this.remoteAddr = source["remoteAddr"];
	        this.receivedAt = this.convertValues(source["receivedAt"], null);
	        this.signature = source["signature"];
	        this.signatureReason = source["signatureReason"];
	        this.responseStatus = source["responseStatus"];
	        this.failure = source["failure"];
	        this.abandonedAfterMs = source["abandonedAfterMs"];
	        this.headers = source["headers"];
	        this.body = source["body"];
	        this.bodyEncoding = source["bodyEncoding"];
	        this.roll = source["roll"];
	        this.response = this.convertValues(source["response"], Response);
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace main {
	
	export class DeleteResult {
	    deletedCount: number;
	
	    static createFrom(source: any = {}) {
	        return new DeleteResult(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.deletedCount = source["deletedCount"];
	    }
	}
	export class DesktopPrefs {
	    notifyErrors: boolean;
	    notifierAvailable: boolean;
	
	    static createFrom(source: any = {}) {
	        return new DesktopPrefs(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.notifyErrors = source["notifyErrors"];
	        this.notifierAvailable = source["notifierAvailable"];
	    }
	}
	export class ListPage {
	    total_count: number;
	    total_pages: number;
	    current_page: number;
	    count: number;
	    data: any;
	
	    static createFrom(source: any = {}) {
	        return new ListPage(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.total_count = source["total_count"];
	        this.total_pages = source["total_pages"];
	        this.current_page = source["current_page"];
	        this.count = source["count"];
	        this.data = source["data"];
	    }
	}
	export class ObjectQuery {
	    page: number;
	    limit: number;
	    orderBy: string;
	    orderDirection: string;
	    filters: string;
	    status: string;
	
	    static createFrom(source: any = {}) {
	        return new ObjectQuery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.page = source["page"];
	        this.limit = source["limit"];
	        this.orderBy = source["orderBy"];
	        this.orderDirection = source["orderDirection"];
	        this.filters = source["filters"];
	        this.status = source["status"];
	    }
	}
	export class TypeAt {
	    definition: {[key: string]: any};
	    version: number;
	
	    static createFrom(source: any = {}) {
	        return new TypeAt(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.definition = source["definition"];
	        this.version = source["version"];
	    }
	}

}

export namespace settings {
	
	export class Delivery {
	    workers: number;
	    timeout: string;
	    retryDelays: string[];
	
	    static createFrom(source: any = {}) {
	        return new Delivery(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.workers = source["workers"];
	        this.timeout = source["timeout"];
	        this.retryDelays = source["retryDelays"];
	    }
	}
	export class View {
	    stored: Delivery;
	    running: Delivery;
	    flags: string[];
	    restartNeeded: boolean;
	
	    static createFrom(source: any = {}) {
	        return new View(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.stored = this.convertValues(source["stored"], Delivery);
	        this.running = this.convertValues(source["running"], Delivery);
	        this.flags = source["flags"];
	        this.restartNeeded = source["restartNeeded"];
	    }
	
		convertValues(a: any, classs: any, asMap: boolean = false): any {
		    if (!a) {
		        return a;
		    }
		    if (a.slice && a.map) {
		        return (a as any[]).map(elem => this.convertValues(elem, classs));
		    } else if ("object" === typeof a) {
		        if (asMap) {
		            for (const key of Object.keys(a)) {
		                a[key] = new classs(a[key]);
		            }
		            return a;
		        }
		        return new classs(a);
		    }
		    return a;
		}
	}

}

export namespace syncwebhook {
	
	export class CodeOutcome {
	    verdict: string;
	    payload?: {[key: string]: any};
	    errors?: {[key: string]: string[]};
	    error?: string;
	    durationMs: number;
	
	    static createFrom(source: any = {}) {
	        return new CodeOutcome(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.verdict = source["verdict"];
	        this.payload = source["payload"];
	        this.errors = source["errors"];
	        this.error = source["error"];
	        this.durationMs = source["durationMs"];
	    }
	}
	export class Template {
	    name: string;
	    action: string;
	    code: string;
	
	    static createFrom(source: any = {}) {
	        return new Template(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.name = source["name"];
	        this.action = source["action"];
	        this.code = source["code"];
	    }
	}
	export class TryInput {
	    code: string;
	    timeout_ms: number;
	    contentType: string;
	    objectId: string;
	
	    static createFrom(source: any = {}) {
	        return new TryInput(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.code = source["code"];
	        this.timeout_ms = source["timeout_ms"];
	        this.contentType = source["contentType"];
	        this.objectId = source["objectId"];
	    }
	}

}

export namespace webhook {
	
	export class TestRequest {
	    contentType: string;
	    objectId: string;
	    action: string;
	
	    static createFrom(source: any = {}) {
	        return new TestRequest(source);
	    }
	
	    constructor(source: any = {}) {
	        if ('string' === typeof source) source = JSON.parse(source);
	        this.contentType = source["contentType"];
	        this.objectId = source["objectId"];
	        this.action = source["action"];
	    }
	}

}

