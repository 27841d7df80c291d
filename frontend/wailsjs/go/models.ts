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

