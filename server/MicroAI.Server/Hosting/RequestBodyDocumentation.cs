using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace MicroAI.Server.Hosting;

/// <summary>
/// Endpoint metadata naming the JSON body type for the OpenAPI document. The endpoints read their
/// bodies themselves (to answer malformed JSON in OpenAI's error shape), so the framework cannot
/// infer it, and <c>Accepts&lt;T&gt;</c> would also make routing reject bodies sent without a JSON
/// content type, which curl and several clients do.
/// </summary>
internal sealed record RequestBodyDocumentation(Type BodyType);

internal sealed class RequestBodyDocumentationFilter : IOperationFilter
{
    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var doc = context.ApiDescription.ActionDescriptor.EndpointMetadata.OfType<RequestBodyDocumentation>().FirstOrDefault();
        if (doc is null)
            return;
        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, IOpenApiMediaType>
            {
                ["application/json"] = new OpenApiMediaType { Schema = context.SchemaGenerator.GenerateSchema(doc.BodyType, context.SchemaRepository) },
            },
        };
    }
}
